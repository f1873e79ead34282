"""Stated ages (`19 yrs`, `age: twenty`, `i'm 18`, `edad 19`), kept apart from other numbers."""

from __future__ import annotations

import re

from threadline.extract._base import make_finding
from threadline.extract._trie import trie_pattern
from threadline.extract._wordscan import word_matches, word_pattern
from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["MAX_AGE", "MIN_AGE", "SOURCE", "extract_ages"]

SOURCE = "ages@1"
MIN_AGE = 12
MAX_AGE = 69

# After the number: a unit that makes it an age ("19 yrs", "19 years old", "19yo", "19 años").
_UNIT = r"\s?(?:y/?o\b|yrs?\.?(?:\s+old)?|years?(?:\s+old)?|year-old|años|anos|a[ñn]itos)"
# Before the number: a label ("age: 19") or a first-person statement ("i'm 19", "tengo 19").
_LABELS = ("age", "aged", "edad")
_LEADS = ("i'm", "im", "i am", "tengo", "just turned", "turned")
# A number that is something else: "i'm 24/7", "i'm 5'4", "i'm 30 mins away".
_NOT_AFTER = (
    r"(?!\d|[ \t]*(?:/|'|\"|%|-\d|\.\d|lbs?\b|kg\b|mins?\b|minutes|hrs?\b|hours?\b|h\b|pm\b|am\b"
    r"|cm\b|ft\b|inch|feet|percent))"
)
# After a label ("age: 30"), only what cannot be an age is refused (a fraction, a height).
_NOT_AFTER_LABEL = r"(?!\d|[ \t]*(?:/|'|\"|%|-\d|\.\d))"
_SEP = r"(?!\w)\s{0,3}[:=\-]?\s{0,3}"
# The label pattern matches with the character before the word, in the shared pass over the
# words of the lower-cased text (`_wordscan`); the stated pattern starts at a digit.
_LEAD_AGE = word_pattern(
    "(?:"
    + trie_pattern(sorted(_LABELS))
    + rf"{_SEP}(?P<labelled>[1-6][0-9]){_NOT_AFTER_LABEL}(?:{_UNIT})?"
    + "|"
    + trie_pattern(sorted(_LEADS))
    + rf"{_SEP}(?P<led>[1-6][0-9]){_NOT_AFTER}(?:{_UNIT})?)",
    [*_LABELS, *_LEADS],
)
_STATED_AGE = re.compile(rf"[1-6](?<![\w$#.,/][1-6])[0-9]{_UNIT}")


def extract_ages(text: NormalizedText, region: str = "US") -> list[Finding]:
    """Ages a person states about themself, as whole years."""
    found: dict[int, tuple[int, int, int]] = {}
    for match in word_matches(text, _LEAD_AGE):  # in the text with a space in front
        value = int(match.group("labelled") or match.group("led"))
        found[match.start()] = (value, match.start(), match.end() - 1)
    for match in _STATED_AGE.finditer(text.lower):
        if not any(s <= match.start() < e for _, s, e in found.values()):
            found[match.start()] = (int(match.group()[:2]), match.start(), match.end())
    return [
        make_finding(text, "age", str(value), (start, end), SOURCE)
        for value, start, end in sorted(found.values(), key=lambda item: item[1])
        if MIN_AGE <= value <= MAX_AGE
    ]
