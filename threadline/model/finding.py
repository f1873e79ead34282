"""Evidence found in a text, and the risk assessment built from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class IdentifierKind(StrEnum):
    """Kinds of identifier that can link ads to each other."""

    PHONE = "phone"
    EMAIL = "email"
    HANDLE = "handle"
    URL = "url"
    IMAGE = "image"


class Finding(NamedTuple):
    """One piece of evidence found in a text, with the span that proves it.

    A named tuple rather than a frozen dataclass: an ad yields about twenty findings and
    reasons, and a tuple is built several times faster (extraction's budget is per ad).
    """

    kind: str  # "phone", "age", "indicator:youth", ...
    value: str  # normalized: "+17025550142", "19", "youth.fresh"
    start: int  # offsets into the ORIGINAL text
    end: int
    text: str  # the original text between start and end
    source: str  # "phones@3": the extractor and its version
    attrs: tuple[tuple[str, str], ...] = ()  # extra facts: ("style", "words_en"), ...

    def attr(self, name: str, default: str = "") -> str:
        """The value of one extra fact, or the default."""
        for key, value in self.attrs:
            if key == name:
                return value
        return default


class Reason(NamedTuple):
    """One named, weighted contribution to a risk score (a named tuple, as `Finding`)."""

    code: str
    weight: float
    evidence: str  # the matched text or a short explanation


@dataclass(frozen=True, slots=True)
class Risk:
    """A score as a sum of named reasons, its level, and the separate juvenile flag."""

    score: float
    level: str  # "low" | "medium" | "high"
    reasons: tuple[Reason, ...] = ()
    juvenile: bool = False
    juvenile_reasons: tuple[Reason, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extraction found in one ad, and the risk built from it."""

    ad_id: str
    findings: tuple[Finding, ...]
    risk: Risk

    def values(self, kind: str) -> tuple[str, ...]:
        """Distinct normalized values of one kind, in order of first appearance."""
        return tuple(dict.fromkeys(f.value for f in self.findings if f.kind == kind))
