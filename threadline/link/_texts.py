"""Ad texts held compactly while a large batch is linked.

Linking needs an ad's text twice: for its template signature, which can be computed as soon
as the ad arrives (`Signatures.of`), and for describing the largest templates from a few of
their members, which is known only at the end. Between the two, a million ads' texts held as
`str` cost about 2.4 GB: one emoji makes Python store the whole text at four bytes a
character. As UTF-8 bytes they cost a quarter of that, so the driver keeps them here and
hands on evidence without its text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from threadline.model import AdEvidence

__all__ = ["TextStore"]


class TextStore:
    """Ad texts by ad id, as UTF-8; the first record of an id wins, as in `LinkState`."""

    def __init__(self) -> None:
        self._texts: dict[str, bytes] = {}

    def __len__(self) -> int:
        return len(self._texts)

    def keep(self, evidence: AdEvidence) -> AdEvidence:
        """Store the ad's text and return its evidence without it."""
        # surrogatepass: JSON may carry a lone surrogate (`\ud83d`), which plain UTF-8 refuses.
        self._texts.setdefault(evidence.ad_id, evidence.text.encode("utf-8", "surrogatepass"))
        return replace(evidence, text="")

    def text(self, ad_id: str) -> str:
        """The text kept for an ad."""
        return self._texts[ad_id].decode("utf-8", "surrogatepass")


class RestoredTexts(Mapping[int, AdEvidence]):
    """Evidence by ad number with each text put back from the store when it is read."""

    def __init__(self, evidence: Mapping[int, AdEvidence], store: TextStore) -> None:
        self._evidence = evidence
        self._store = store

    def __getitem__(self, number: int) -> AdEvidence:
        stripped = self._evidence[number]
        return replace(stripped, text=self._store.text(stripped.ad_id))

    def __contains__(self, number: object) -> bool:
        return number in self._evidence

    def __iter__(self) -> Iterator[int]:
        return iter(self._evidence)

    def __len__(self) -> int:
        return len(self._evidence)
