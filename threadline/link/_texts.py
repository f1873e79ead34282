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

from threadline.link._state import LinkState
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

    def __contains__(self, ad_id: object) -> bool:
        return ad_id in self._texts

    def text(self, ad_id: str) -> str:
        """The text kept for an ad."""
        return self._texts[ad_id].decode("utf-8", "surrogatepass")


class RestoredTexts(Mapping[int, AdEvidence]):
    """What describing templates reads of the ads whose texts the store holds, by ad number:
    the text put back, with the names and city the state keeps (no copy per ad is made)."""

    def __init__(self, state: LinkState, store: TextStore) -> None:
        self._state = state
        self._store = store

    def __getitem__(self, number: int) -> AdEvidence:
        ads = self._state.ads
        ad_id = ads.ids[number]
        text = self._store.text(ad_id)
        return AdEvidence(ad_id, text, names=ads.names[number], city=ads.cities[number])

    def __contains__(self, number: object) -> bool:
        ids = self._state.ads.ids
        return isinstance(number, int) and 0 <= number < len(ids) and ids[number] in self._store

    def __iter__(self) -> Iterator[int]:
        ids = self._state.ads.ids
        return (number for number in range(len(ids)) if ids[number] in self._store)

    def __len__(self) -> int:
        return sum(1 for _ in self)
