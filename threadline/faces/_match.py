"""Gallery search: the nearest missing persons for a face, with a distance and a band.

A candidate is a lead for a human reviewer, never an identification: the band says how
strong the lead is, not who the person is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from threadline.faces._index import EXACT_LIMIT, FaceIndex, Hit, Vectors
from threadline.faces._model import DIMENSIONS, Encoding

DEFAULT_THRESHOLD = 0.6
# Distance bands, read as "how strong a lead". Same-person pairs of the test photos (other
# photos, resized, recompressed, mirrored) fell between 0.06 and 0.444 and every
# different-person pair at or above 0.70; dlib calibrated 0.6 on LFW (99.38%), and its
# errors cluster just under it, hence a weak band from 0.55.
BANDS: tuple[tuple[float, str], ...] = ((0.45, "strong"), (0.55, "moderate"))
WEAK = "weak"
OVERFETCH = 4  # gallery faces fetched per wanted person: a person may have several photos


@dataclass(frozen=True, slots=True)
class Candidate:
    """A gallery person whose photo is near a face, for review."""

    person_id: int
    gallery_face_id: int
    distance: float
    confidence: str


def confidence_band(distance: float) -> str:
    """`strong`, `moderate` or `weak`: the band a distance under the threshold falls in."""
    for limit, band in BANDS:
        if distance <= limit:
            return band
    return WEAK


def to_bytes(encoding: Encoding) -> bytes:
    """The stored form of an encoding: float32 little-endian."""
    return np.asarray(encoding, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> Encoding:
    """An encoding back from its stored form."""
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


def stack(encodings: Sequence[Encoding], dimensions: int = DIMENSIONS) -> Vectors:
    """Encodings as one (n, d) float32 array."""
    if not encodings:
        return np.zeros((0, dimensions), dtype=np.float32)
    return np.vstack([np.asarray(e, dtype=np.float32) for e in encodings])


class Gallery:
    """The enrolled faces of one model, searchable by person."""

    def __init__(
        self,
        face_ids: Sequence[int],
        person_ids: Sequence[int],
        vectors: Vectors,
        exact_limit: int = EXACT_LIMIT,
    ) -> None:
        self._person_of = dict(zip(face_ids, person_ids, strict=True))
        self.index = FaceIndex(vectors, np.asarray(face_ids, dtype=np.int64), exact_limit)

    def __len__(self) -> int:
        """How many gallery faces are indexed."""
        return len(self.index)

    def candidates(
        self, encodings: Sequence[Encoding], threshold: float, top: int = 5
    ) -> list[list[Candidate]]:
        """For each encoding, up to `top` persons nearer than the threshold, nearest first."""
        found = self.index.search(stack(encodings), top * OVERFETCH)
        return [self._persons(hits, threshold, top) for hits in found]

    def _persons(self, hits: Sequence[Hit], threshold: float, top: int) -> list[Candidate]:
        chosen: dict[int, Candidate] = {}
        for hit in hits:
            person = self._person_of[hit.id]
            if hit.distance <= threshold and person not in chosen:
                band = confidence_band(hit.distance)
                chosen[person] = Candidate(person, hit.id, hit.distance, band)
        return list(chosen.values())[:top]
