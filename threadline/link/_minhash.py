"""MinHash signatures of word shingles, computed with numpy for many texts at once."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

PERMUTATIONS = 64
SHINGLE = 3  # words per shingle
MIN_SHINGLES = 4  # fewer distinct shingles than this is too little text to call a template
_CHUNK = 128  # texts per numpy pass: keeps the (shingles x permutations) matrix in cache

_rng = np.random.default_rng(20261124)  # fixed: signatures must be equal across runs and files
_A = (_rng.integers(0, 2**32, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)).astype(np.uint32)
_B = _rng.integers(0, 2**32, PERMUTATIONS, dtype=np.uint64).astype(np.uint32)
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)
_EMPTY = np.iinfo(np.uint32).max


def token_ids(tokens: Sequence[str]) -> NDArray[np.uint64]:
    """Stable 32-bit ids of tokens (CRC-32; Python's own hash differs per process)."""
    return np.fromiter(map(zlib.crc32, map(str.encode, tokens)), np.uint64, len(tokens))


def shingle_hashes(ids: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """64-bit hashes of each run of SHINGLE consecutive token ids (whole text when shorter)."""
    if len(ids) < SHINGLE:
        width = len(ids)
        if width == 0:
            return np.empty(0, np.uint64)
    else:
        width = SHINGLE
    count = len(ids) - width + 1
    out = np.zeros(count, np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(width):
            out = out * np.uint64(31) + ids[offset : offset + count] * _MIX[offset]
    return out


def signatures(shingles: Sequence[NDArray[np.uint64]]) -> NDArray[np.uint32]:
    """One MinHash signature (PERMUTATIONS uint32 values) per shingle set."""
    out = np.full((len(shingles), PERMUTATIONS), _EMPTY, np.uint32)
    for start in range(0, len(shingles), _CHUNK):
        out[start : start + _CHUNK] = _chunk_signatures(shingles[start : start + _CHUNK])
    return out


def _chunk_signatures(shingles: Sequence[NDArray[np.uint64]]) -> NDArray[np.uint32]:
    out = np.full((len(shingles), PERMUTATIONS), _EMPTY, np.uint32)
    sizes = np.fromiter((len(s) for s in shingles), np.int64, len(shingles))
    present = np.flatnonzero(sizes)
    if len(present) == 0:
        return out
    wide = np.concatenate([shingles[i] for i in present.tolist()])
    flat = ((wide >> np.uint64(32)) ^ wide).astype(np.uint32)  # both halves, folded
    with np.errstate(over="ignore"):
        # a*x+b mod 2**32 with odd a: a permutation of 32-bit values per row, in uint32
        # arithmetic, which is several times faster than 64-bit multiply-shift.
        hashed = flat[:, None] * _A[None, :]
        hashed += _B[None, :]
    starts = np.concatenate(([0], np.cumsum(sizes[present])[:-1]))
    out[present] = np.minimum.reduceat(hashed, starts, axis=0)
    return out


def similarity(a: NDArray[np.uint32], b: NDArray[np.uint32]) -> NDArray[np.float64]:
    """Estimated Jaccard similarity of paired signatures (rows of a against rows of b)."""
    return np.asarray((a == b).mean(axis=-1), dtype=np.float64)
