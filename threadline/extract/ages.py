"""Stated ages (`19 yrs`, `age: twenty`, `i'm 18`, `edad 19`), kept apart from other numbers."""

from __future__ import annotations

import re

from threadline.extract._base import make_finding
from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["MAX_AGE", "MIN_AGE", "SOURCE", "extract_ages"]

SOURCE = "ages@1"
MIN_AGE = 12
MAX_AGE = 69

_NUMBER = r"(?P<age>[1-6][0-9])"
# After the number: a unit that makes it an age ("19 yrs", "19 years old", "19yo", "19 años").
_UNIT = r"\s?(?:y/?o\b|yrs?\.?(?:\s+old)?|years?(?:\s+old)?|year-old|años|anos|a[ñn]itos)"
# Before the number: a label or a first-person statement ("age: 19", "i'm 19", "tengo 19").
_LEAD = (
    r"\b(?:age|aged|edad|i'?m|i\s+am|im|tengo|just\s+turned|turned)\b\s{0,3}[:=\-]?\s{0,3}"
)
# A number that is something else: "i'm 24/7", "i'm 5'4", "age 21+" stays an age.
_NOT_AFTER = (
    r"(?!\d|[ \t]*(?:/|'|\"|%|-\d|\.\d|lbs?\b|kg\b|mins?\b|minutes|hrs?\b|hours?\b|h\b|pm\b|am\b"
    r"|cm\b|ft\b|inch|feet|percent))"
)
_AGE = re.compile(
    rf"(?i)(?:{_LEAD}{_NUMBER}{_NOT_AFTER}(?:{_UNIT})?|(?<![\w$#.,/]){_NUMBER.replace('age', 'age2')}{_UNIT})"
)


def extract_ages(text: NormalizedText, region: str = "US") -> list[Finding]:
    """Ages a person states about themself, as whole years."""
    findings: list[Finding] = []
    for match in _AGE.finditer(text.text):
        value = int(match.group("age") or match.group("age2"))
        if MIN_AGE <= value <= MAX_AGE:
            findings.append(make_finding(text, "age", str(value), match.span(), SOURCE))
    return findings
