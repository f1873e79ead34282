"""Indicators from the YAML lexicon: youth, control, trust, restricted, movement, ethnicity, emoji."""

from __future__ import annotations

from threadline.extract._base import make_finding
from threadline.extract.lexicon import compiled_lexicon, fold
from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["SOURCE", "computed_indicator", "extract_indicators"]

SOURCE = "indicators@1"


def extract_indicators(text: NormalizedText, region: str = "US") -> list[Finding]:
    """Every lexicon phrase in the text, as a finding whose value is the indicator code."""
    lexicon = compiled_lexicon()
    findings: list[Finding] = []
    for match in lexicon.pattern.finditer(text.text):
        owner = lexicon.owners.get(fold(match.group()))
        if owner is None:
            continue
        code, language = owner
        kind, attrs = _describe(code, language)
        findings.append(make_finding(text, kind, code, match.span(), SOURCE, attrs))
    return findings


def computed_indicator(evidence: Finding, code: str) -> Finding:
    """An indicator set from another finding (an obscured phone, an age under 18)."""
    kind, attrs = _describe(code, "computed")
    return Finding(kind, code, evidence.start, evidence.end, evidence.text, SOURCE, attrs)


def _describe(code: str, language: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The kind (`indicator:<category>`) and attributes of an indicator finding."""
    indicator = compiled_lexicon().indicators[code]
    attrs = (
        ("category", indicator.category),
        ("weight", f"{indicator.weight:g}"),
        ("language", language),
    )
    return f"indicator:{indicator.category}", attrs
