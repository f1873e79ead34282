"""Ad texts held compactly while a large batch is linked.

Linking needs an ad's text twice: for its template signature, which can be computed as soon
as the ad arrives (`Signatures.of`), and for describing the largest templates from a few of
their members, which is known only at the end. Between the two, a million ads' texts held as
`str` cost about 2.4 GB: one emoji makes Python store the whole text at four bytes a
character. Compressed they cost a tenth of that, so the driver keeps them here and hands
on evidence without its text.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
from dataclasses import replace

from threadline.link._state import LinkState
from threadline.model import AdEvidence

__all__ = ["TextStore"]


class TextStore:
    """Ad texts by ad id, compressed; the first record of an id wins, as in `LinkState`.

    Ads of one corpus share most of their words, so each text is deflated against a
    dictionary of the first texts stored: about 250 bytes instead of 630 as UTF-8 (and 2.4
    kB as a `str`), for about 20 µs per ad. Texts stored before the dictionary is full are
    kept as they are.
    """

    def __init__(self) -> None:
        self._texts: dict[str, bytes] = {}
        self._plain: dict[str, bytes] = {}  # stored while the dictionary filled
        self._primer = b""

    def __len__(self) -> int:
        return len(self._texts) + len(self._plain)

    def __contains__(self, ad_id: object) -> bool:
        return ad_id in self._texts or ad_id in self._plain

    def keep(self, evidence: AdEvidence) -> AdEvidence:
        """Store the ad's text and return its evidence without it."""
        if evidence.ad_id not in self:
            # surrogatepass: JSON may carry a lone surrogate (`\ud83d`), which UTF-8 refuses.
            encoded = evidence.text.encode("utf-8", "surrogatepass")
            if len(self._primer) < _PRIMER:
                self._plain[evidence.ad_id] = encoded
                self._primer = (self._primer + encoded)[:_PRIMER]
            else:
                self._texts[evidence.ad_id] = _deflate(encoded, self._primer)
        return replace(evidence, text="")

    def text(self, ad_id: str) -> str:
        """The text kept for an ad."""
        plain = self._plain.get(ad_id)
        encoded = plain if plain is not None else _inflate(self._texts[ad_id], self._primer)
        return encoded.decode("utf-8", "surrogatepass")


# Raw deflate with a 4 KiB window (a text is a few hundred bytes), fastest level, small state:
# the state is set up anew for every text, and its size is most of the cost.
_WBITS = -12
_LEVEL = 1
_MEMLEVEL = 2
_PRIMER = (1 << -_WBITS) - 262  # the window less deflate's lookahead


def _deflate(data: bytes, primer: bytes) -> bytes:
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, _WBITS, _MEMLEVEL, zdict=primer)
    return packer.compress(data) + packer.flush()


def _inflate(data: bytes, primer: bytes) -> bytes:
    unpacker = zlib.decompressobj(_WBITS, zdict=primer)
    return unpacker.decompress(data) + unpacker.flush()


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
