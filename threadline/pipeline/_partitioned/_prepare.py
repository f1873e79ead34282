"""Round one on a worker: what linking needs of a partition of ads, their texts let go."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from threadline.link import Signatures
from threadline.link._lsh import band_keys
from threadline.link._state import identifier_label
from threadline.model import AdEvidence
from threadline.pipeline._partitioned import _sizes


@dataclass(frozen=True)
class Part:
    """One partition of ads ready to link: identifiers, image hashes and template keys.

    Ad numbers give the order of arrival (row ids, or positions in the input): they rise
    within a partition and from one partition to the next, as `LinkState` numbers ads.
    """

    numbers: NDArray[np.int64]
    ads: tuple[AdEvidence, ...]  # without texts, identifiers and images (held below)
    labels: tuple[tuple[str, ...], ...]  # identifier labels of each ad, normalized, once each
    images: tuple[tuple[str, ...], ...]  # image hashes of each ad, normalized, once each
    indexed: NDArray[np.int64]  # positions of the ads with enough text for templates
    signatures: NDArray[np.uint32]  # their MinHash signatures, row by row
    keys: NDArray[np.uint64]  # and their band keys, (len(indexed), BANDS)

    def __len__(self) -> int:
        return len(self.ads)

    def __sizeof__(self) -> int:
        hashes = _sizes.texts(h for images in self.images for h in images)
        counted = _sizes.items(self.ads, self.ads, self.labels, self.images)
        return (
            counted + hashes + _sizes.arrays(self.numbers, self.indexed, self.signatures, self.keys)
        )

    def positions(self, numbers: NDArray[np.int64]) -> NDArray[np.int64]:
        """Where ads of this partition, given by number, stand in it."""
        return np.searchsorted(self.numbers, numbers).astype(np.int64)

    def signatures_of(self, numbers: NDArray[np.int64]) -> NDArray[np.uint32]:
        """Signatures of indexed ads of this partition, given by number."""
        rows = np.searchsorted(self.indexed, self.positions(numbers))
        return self.signatures[rows]


def prepare(evidence: Sequence[AdEvidence], numbers: Sequence[int]) -> Part:
    """A partition's ads (distinct ids) as linking reads them; `numbers` in rising order."""
    signatures = Signatures.of(evidence)
    indexed = [i for i, item in enumerate(evidence) if signatures.rows[item.ad_id] >= 0]
    return Part(
        numbers=np.asarray(numbers, np.int64),
        ads=tuple(_bare(item) for item in evidence),
        labels=tuple(ad_labels(item) for item in evidence),
        images=tuple(
            tuple(dict.fromkeys(h.strip().lower() for h in e.image_hashes)) for e in evidence
        ),
        indexed=np.asarray(indexed, np.int64),
        signatures=signatures.values,
        keys=band_keys(signatures.values),
    )


def _bare(evidence: AdEvidence) -> AdEvidence:
    return dataclasses.replace(evidence, text="", identifiers=(), image_hashes=())


def ad_labels(evidence: AdEvidence) -> tuple[str, ...]:
    """The ad's linking identifiers, normalized as LinkState normalizes them, once each."""
    labels = (identifier_label(kind, value) for kind, value in evidence.identifiers)
    return tuple(dict.fromkeys(x for x in labels if x is not None))
