"""The vector index: exact and approximate search agree, ids and distances come back right."""

from __future__ import annotations

import numpy as np
import pytest

from threadline.errors import InputError
from threadline.faces import FaceIndex, Gallery, confidence_band


def _clustered(n: int, seed: int = 0) -> np.ndarray:
    """Synthetic encodings: identities of four photos each, spread like real 128-d ones."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 0.053, (n // 4, 128)).astype(np.float32)
    return np.repeat(centres, 4, axis=0) + rng.normal(0, 0.025, (n, 128)).astype(np.float32)


def test_exact_search_returns_ids_nearest_first_with_euclidean_distance() -> None:
    vectors = np.eye(4, 128, dtype=np.float32)
    index = FaceIndex(vectors, np.array([10, 20, 30, 40]))
    hits = index.search(vectors[2:3] * 0.5, 2)[0]
    assert [h.id for h in hits] == [30, 10]
    assert [round(h.distance, 4) for h in hits] == [0.5, round(float(np.sqrt(1.25)), 4)]
    assert (index.kind, len(index)) == ("exact", 4)


def test_approximate_search_has_recall_at_10_of_at_least_095() -> None:
    vectors = _clustered(20_000)
    ids = np.arange(len(vectors), dtype=np.int64)
    exact = FaceIndex(vectors, ids)
    approximate = FaceIndex(vectors, ids, exact_limit=1000)
    noise = np.random.default_rng(1).normal(0, 0.025, (100, 128)).astype(np.float32)
    queries = vectors[::200] + noise  # new photos of enrolled identities
    truth = [{h.id for h in hits} for hits in exact.search(queries, 10)]
    found = [{h.id for h in hits} for hits in approximate.search(queries, 10)]
    recall = np.mean([len(t & f) / 10 for t, f in zip(truth, found, strict=True)])
    assert approximate.kind == "sq8-refine"
    assert recall >= 0.95


def test_empty_index_finds_nothing() -> None:
    index = FaceIndex(np.zeros((0, 128), np.float32), np.zeros(0, np.int64))
    assert index.search(np.ones((2, 128), np.float32), 5) == [[], []]
    assert len(index) == 0


def test_index_refuses_ids_that_do_not_match_vectors() -> None:
    with pytest.raises(InputError, match="one id per vector"):
        FaceIndex(np.zeros((3, 128), np.float32), np.arange(2))


def test_gallery_keeps_one_candidate_per_person_under_the_threshold() -> None:
    vectors = np.zeros((4, 128), np.float32)
    vectors[:, 0] = [0.0, 0.1, 0.5, 0.7]
    gallery = Gallery([1, 2, 3, 4], [7, 7, 8, 9], vectors)
    found = gallery.candidates([np.zeros(128, np.float32)], threshold=0.6)[0]
    assert [(c.person_id, c.gallery_face_id, round(c.distance, 3)) for c in found] == [
        (7, 1, 0.0),
        (8, 3, 0.5),
    ]
    assert [c.confidence for c in found] == ["strong", "moderate"]


@pytest.mark.parametrize(
    ("distance", "band"),
    [(0.0, "strong"), (0.45, "strong"), (0.451, "moderate"), (0.55, "moderate"), (0.58, "weak")],
)
def test_confidence_band_by_distance(distance: float, band: str) -> None:
    assert confidence_band(distance) == band
