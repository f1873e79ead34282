"""What every extractor shares: the finding builder and the extractor signature."""

from __future__ import annotations

from collections.abc import Callable

from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["Extractor", "make_finding"]

Extractor = Callable[[NormalizedText, str], list[Finding]]


def make_finding(
    text: NormalizedText,
    kind: str,
    value: str,
    span: tuple[int, int],
    source: str,
    attrs: tuple[tuple[str, str], ...] = (),
) -> Finding:
    """A finding whose offsets and text point into the original for a normalized span."""
    start, end = text.span(*span)
    return Finding(
        kind=kind,
        value=value,
        start=start,
        end=end,
        text=text.original[start:end],
        source=source,
        attrs=attrs,
    )
