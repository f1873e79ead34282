"""Banded LSH over MinHash signatures, kept as sorted numpy arrays (a main run and a delta).

Every band key is salted with its band number and all bands live in one sorted array, so a
lookup is one `searchsorted` for all bands of all queries: numpy's per-call cost, not the
index size, is what a single new ad pays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from threadline.link._minhash import PERMUTATIONS, similarity

BANDS = 16
ROWS = PERMUTATIONS // BANDS  # 16 bands of 4 rows: candidates from Jaccard ~0.5 up
THRESHOLD = 0.5  # estimated Jaccard a candidate pair needs to count as one template
BUCKET_CAP = 8  # members compared per bucket; a bucket of one template needs only a few
_MAX_DELTA = 4096  # small runs are re-sorted per insert; past this they fold into the main run
_SALT = np.random.default_rng(16).integers(0, 2**63, BANDS, dtype=np.uint64)

Pairs = tuple[NDArray[np.int64], NDArray[np.int64]]


def band_keys(sigs: NDArray[np.uint32]) -> NDArray[np.uint64]:
    """One 64-bit key per band per signature, salted by band, shape (n, BANDS)."""
    rows = sigs.reshape(len(sigs), BANDS, ROWS).astype(np.uint64)
    keys = np.zeros((len(sigs), BANDS), np.uint64)
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            keys = keys * np.uint64(0x100000001B3) + rows[:, :, r] + np.uint64(r + 1)
    return keys ^ _SALT[None, :]


class _Run:
    """Band keys of all bands in one sorted array, with the document id beside each key."""

    def __init__(self) -> None:
        self.keys = np.empty(0, np.uint64)
        self.ids = np.empty(0, np.int64)

    def __len__(self) -> int:
        return len(self.keys) // BANDS

    def extend(self, keys: NDArray[np.uint64], ids: NDArray[np.int64]) -> None:
        """Add (n, BANDS) keys and re-sort; stable, so equal keys stay in insertion order."""
        all_keys = np.concatenate([self.keys, keys.ravel()])
        all_ids = np.concatenate([self.ids, np.repeat(ids, BANDS)])
        order = np.argsort(all_keys, kind="stable")
        self.keys, self.ids = all_keys[order], all_ids[order]

    def merge(self, other: _Run) -> None:
        """Fold another run in; its entries go after equal keys already here (arrival order)."""
        at = np.searchsorted(self.keys, other.keys, "right")
        self.keys = np.insert(self.keys, at, other.keys)
        self.ids = np.insert(self.ids, at, other.ids)

    def lookup(self, keys: NDArray[np.uint64]) -> Pairs:
        """(query row, member id) for up to BUCKET_CAP members of each matching bucket."""
        left, right = self._bounds(keys.ravel())
        count = np.minimum(right - left, BUCKET_CAP)
        starts = np.repeat(left - (np.cumsum(count) - count), count)
        members = self.ids[starts + np.arange(int(count.sum()))]
        rows = np.repeat(np.arange(len(keys), dtype=np.int64), BANDS)
        return np.repeat(rows, count), members

    def _bounds(self, flat: NDArray[np.uint64]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Each key's [left, right) range in the run, in the order of `flat`.

        The needles are searched in sorted order (numpy narrows each search from the last,
        and neighbouring needles touch the same cache lines), then put back in place.
        """
        order = np.argsort(flat)
        needles = flat[order]
        left, right = np.empty(len(flat), np.intp), np.empty(len(flat), np.intp)
        left[order] = np.searchsorted(self.keys, needles, "left")
        right[order] = np.searchsorted(self.keys, needles, "right")
        return left, right


class BandIndex:
    """Finds candidate near-duplicates of new signatures among everything indexed so far."""

    def __init__(self) -> None:
        self._main = _Run()
        self._delta = _Run()

    def __len__(self) -> int:
        return len(self._main) + len(self._delta)

    def candidates(self, keys: NDArray[np.uint64]) -> Pairs:
        """(query row, indexed id) pairs that share at least one band, without repeats."""
        main, delta = self._main.lookup(keys), self._delta.lookup(keys)
        return _unique_pairs(
            np.concatenate([main[0], delta[0]]), np.concatenate([main[1], delta[1]])
        )

    def insert(self, keys: NDArray[np.uint64], ids: NDArray[np.int64]) -> None:
        """Index new signatures' band keys.

        A few at a time go to a small delta run (cheap to re-sort); when it outgrows
        _MAX_DELTA it is merged into the main run in one linear pass. A large batch is sorted
        on its own and merged the same way (re-sorting the whole index per batch would make
        a million ads in 50,000-ad chunks quadratic).
        """
        if len(keys) > _MAX_DELTA:
            self._fold()
            batch = _Run()
            batch.extend(keys, ids)  # sort the batch alone, then merge: linear in the index
            self._main.merge(batch)
            return
        self._delta.extend(keys, ids)
        if len(self._delta) > _MAX_DELTA:
            self._fold()

    def _fold(self) -> None:
        if len(self._delta):
            self._main.merge(self._delta)
            self._delta = _Run()


def within(keys: NDArray[np.uint64]) -> Pairs:
    """Row pairs of one batch that share a band: each row with its bucket's head and previous."""
    if len(keys) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    flat = keys.ravel()
    rows = np.repeat(np.arange(len(keys), dtype=np.int64), BANDS)
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    same = ordered[1:] == ordered[:-1]
    is_start = np.concatenate(([True], ~same))
    heads = order[np.flatnonzero(is_start)[np.cumsum(is_start) - 1]]
    later = np.flatnonzero(same) + 1
    first = rows[np.concatenate([order[later], order[later]])]
    second = rows[np.concatenate([order[later - 1], heads[later]])]
    keep = first != second
    return _unique_pairs(first[keep], second[keep])


def verified(
    sigs: NDArray[np.uint32], a: NDArray[np.int64], b: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Which candidate pairs (rows a[i], b[i] of sigs) reach THRESHOLD estimated Jaccard.

    Signatures are gathered a slice of pairs at a time: a million pairs would otherwise
    copy half a gigabyte of signatures.
    """
    out = np.empty(len(a), np.bool_)
    for start in range(0, len(a), 65536):
        stop = start + 65536
        out[start:stop] = similarity(sigs[a[start:stop]], sigs[b[start:stop]]) >= THRESHOLD
    return out


def _unique_pairs(a: NDArray[np.int64], b: NDArray[np.int64]) -> Pairs:
    if len(a) == 0:
        return a.astype(np.int64), b.astype(np.int64)
    width = int(b.max()) + 1
    both = a.astype(np.int64) * width + b  # one int64 per pair: a fresh array, sorted in place
    both.sort()
    keep = np.empty(len(both), np.bool_)  # each value's first copy: a cheaper np.unique
    keep[0] = True
    np.not_equal(both[1:], both[:-1], out=keep[1:])
    both = both[keep]
    return both // width, both % width
