"""An ad's text cut into runs, each run with the findings that cover it (for <mark> tags)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from threadline.store.console import FindingRow

# Findings from the record (site, posted_at) carry no span in the text.
_NO_SPAN = frozenset({"site", "posted_at"})


@dataclass(frozen=True, slots=True)
class Run:
    """A run of text and the findings covering all of it (none: plain text)."""

    text: str
    findings: tuple[FindingRow, ...]

    @property
    def kinds(self) -> str:
        """CSS classes: one per finding kind family (`phone`, `indicator` …)."""
        return " ".join(sorted({f"f-{f.kind.split(':')[0]}" for f in self.findings}))

    @property
    def tip(self) -> str:
        """What hovering shows: each finding's kind, normalized value and extractor."""
        return "\n".join(f"{f.kind} = {f.value} · {f.source}" for f in self.findings)


def spanned(findings: Sequence[FindingRow], length: int) -> list[FindingRow]:
    """Findings with a real span inside a text of this length."""
    return [f for f in findings if f.kind not in _NO_SPAN and 0 <= f.start < f.end <= length]


def runs(text: str, findings: Sequence[FindingRow]) -> list[Run]:
    """The text split at every finding boundary; overlapping findings share a run."""
    marked = spanned(findings, len(text))
    cuts = sorted({0, len(text)} | {f.start for f in marked} | {f.end for f in marked})
    found: list[Run] = []
    for start, end in itertools.pairwise(cuts):
        covering = tuple(f for f in marked if f.start <= start and end <= f.end)
        found.append(Run(text[start:end], covering))
    return found
