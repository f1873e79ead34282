"""A vector index over face encodings: exact for small galleries, approximate for large ones."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from threadline.errors import InputError

# Exact search reads every float per query: about 5 ms per 100,000 vectors on one core, so
# up to this size it stays well inside the 50 ms budget and needs no recall caveat.
EXACT_LIMIT = 200_000
TRAIN_SAMPLE = 100_000  # vectors that fix the 8-bit quantizer's per-dimension ranges
# Re-rank k x this many quantized hits exactly. On 1M synthetic vectors an inverted file
# (IVF) needed a third of its lists for recall 0.93; this scan held recall 1.0 at half the
# exact time, because 8-bit codes are a quarter of the memory to read.
REFINE_FACTOR = 4

Vectors = NDArray[np.float32]
Ids = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Hit:
    """One indexed vector near a query: its id and Euclidean distance."""

    id: int
    distance: float


class FaceIndex:
    """Nearest encodings by Euclidean distance, with the caller's ids.

    Exact (`IndexFlatL2`) up to `exact_limit` vectors. Above it, approximate: a scan of 8-bit
    scalar-quantized codes whose best k x REFINE_FACTOR are re-ranked by exact distance
    (`IndexRefineFlat`); the benchmark measures its recall@10 against exact search.
    """

    def __init__(self, vectors: Vectors, ids: Ids, exact_limit: int = EXACT_LIMIT) -> None:
        vectors, ids = _checked(vectors, ids)
        self.exact = len(ids) <= exact_limit
        self._index = _build(vectors, ids, self.exact)

    def __len__(self) -> int:
        """How many vectors are indexed."""
        return 0 if self._index is None else int(self._index.ntotal)

    @property
    def kind(self) -> str:
        """`exact` or `sq8-refine`, for reports."""
        return "exact" if self.exact else "sq8-refine"

    def search(self, queries: Vectors, k: int) -> list[list[Hit]]:
        """For each query, up to k hits, nearest first."""
        if self._index is None or len(queries) == 0:
            return [[] for _ in range(len(queries))]
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(len(queries), -1)
        squared, labels = self._index.search(queries, min(k, len(self)))
        return [_hits(row_d, row_l) for row_d, row_l in zip(squared, labels, strict=True)]


def _checked(vectors: Vectors, ids: Ids) -> tuple[Vectors, Ids]:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    if vectors.ndim != 2 or len(vectors) != len(ids):
        raise InputError("index needs one id per vector and 2-d vectors")
    return vectors, ids


def _build(vectors: Vectors, ids: Ids, exact: bool) -> Any:
    if len(ids) == 0:
        return None
    dimensions = int(vectors.shape[1])
    inner = faiss.IndexFlatL2(dimensions) if exact else _quantized(vectors, dimensions)
    index = faiss.IndexIDMap2(inner)
    index.add_with_ids(vectors, ids)
    return index


def _quantized(vectors: Vectors, dimensions: int) -> Any:
    codes = faiss.IndexScalarQuantizer(dimensions, faiss.ScalarQuantizer.QT_8bit)
    index = faiss.IndexRefineFlat(codes)
    # A fixed seed keeps the quantizer, and so the results, the same run after run.
    rows = np.random.default_rng(0).choice(
        len(vectors), min(len(vectors), TRAIN_SAMPLE), replace=False
    )
    index.train(vectors[np.sort(rows)])
    index.k_factor = REFINE_FACTOR
    return index


def _hits(squared: NDArray[np.float32], labels: Ids) -> list[Hit]:
    # faiss returns squared L2 distances and -1 where it found fewer than k.
    return [
        Hit(int(label), math.sqrt(max(0.0, float(d))))
        for d, label in zip(squared, labels, strict=True)
        if label >= 0
    ]
