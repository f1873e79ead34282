"""Indicators from the YAML lexicon: youth, control, trust, restricted, movement, ethnicity."""

from __future__ import annotations

from functools import lru_cache

from threadline.extract._base import make_finding
from threadline.extract._wordscan import word_matches
from threadline.extract.lexicon import compiled_lexicon, fold
from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["SOURCE", "computed_indicator", "extract_indicators"]

SOURCE = "indicators@1"
# The same few hundred phrases match again and again; folding one walks it character by
# character, so remember each written form's key (fold depends on nothing but its argument).
_fold = lru_cache(maxsize=16384)(fold)


def extract_indicators(text: NormalizedText, region: str = "US") -> list[Finding]:
    """Every lexicon phrase in the text, as a finding whose value is the indicator code."""
    lexicon = compiled_lexicon()
    # Word phrases match with the character before them, in the text after a leading space.
    spans = [(m.start(), m.end() - 1) for m in word_matches(text, lexicon.words)]
    spans += [m.span() for m in lexicon.symbols.finditer(text.lower)]
    findings: list[Finding] = []
    for start, end in spans:
        owner = lexicon.owners.get(_fold(text.lower[start:end]))
        if owner is not None:
            kind, attrs = _describe(*owner)
            findings.append(make_finding(text, kind, owner[0], (start, end), SOURCE, attrs))
    return findings


def computed_indicator(evidence: Finding, code: str) -> Finding:
    """An indicator set from another finding (an obscured phone, an age under 18)."""
    kind, attrs = _describe(code, "computed")
    return Finding(kind, code, evidence.start, evidence.end, evidence.text, SOURCE, attrs)


@lru_cache(maxsize=1024)
def _describe(code: str, language: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The kind (`indicator:<category>`) and attributes of an indicator finding."""
    indicator = compiled_lexicon().indicators[code]
    attrs = (
        ("category", indicator.category),
        ("weight", f"{indicator.weight:g}"),
        ("language", language),
    )
    return f"indicator:{indicator.category}", attrs
