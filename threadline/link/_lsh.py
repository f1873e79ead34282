"""Banded LSH over MinHash signatures, kept as sorted numpy arrays (a main run and a delta)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from threadline.link._minhash import PERMUTATIONS, similarity

BANDS = 16
ROWS = PERMUTATIONS // BANDS  # 16 bands of 4 rows: candidates from Jaccard ~0.5 up
THRESHOLD = 0.5  # estimated Jaccard a candidate pair needs to count as one template
BUCKET_CAP = 8  # members compared per bucket; a bucket of one template needs only a few
_MAX_DELTA = 4096  # small runs are re-sorted per insert; past this they fold into the main run

Pairs = tuple[NDArray[np.int64], NDArray[np.int64]]


def band_keys(sigs: NDArray[np.uint32]) -> NDArray[np.uint64]:
    """One 64-bit key per band per signature, shape (n, BANDS)."""
    rows = sigs.reshape(len(sigs), BANDS, ROWS).astype(np.uint64)
    keys = np.zeros((len(sigs), BANDS), np.uint64)
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            keys = keys * np.uint64(0x100000001B3) + rows[:, :, r] + np.uint64(r + 1)
    return keys


class _Run:
    """Band keys sorted per band, with the document id beside each key."""

    def __init__(self) -> None:
        self.keys = np.empty((BANDS, 0), np.uint64)
        self.ids = np.empty((BANDS, 0), np.int64)

    def __len__(self) -> int:
        return int(self.keys.shape[1])

    def extend(self, keys: NDArray[np.uint64], ids: NDArray[np.int64]) -> None:
        """Add (n, BANDS) keys and re-sort; stable, so equal keys stay in insertion order."""
        all_keys = np.concatenate([self.keys, keys.T], axis=1)
        all_ids = np.concatenate([self.ids, np.broadcast_to(ids, (BANDS, len(ids)))], axis=1)
        order = np.argsort(all_keys, axis=1, kind="stable")
        self.keys = np.take_along_axis(all_keys, order, axis=1)
        self.ids = np.take_along_axis(all_ids, order, axis=1)

    def merge(self, other: _Run) -> None:
        """Fold another run in; its entries go after equal keys already here (arrival order)."""
        keys, ids = [], []
        for band in range(BANDS):
            at = np.searchsorted(self.keys[band], other.keys[band], "right")
            keys.append(np.insert(self.keys[band], at, other.keys[band]))
            ids.append(np.insert(self.ids[band], at, other.ids[band]))
        self.keys, self.ids = np.stack(keys), np.stack(ids)

    def lookup(self, keys: NDArray[np.uint64]) -> Pairs:
        """(query row, member id) for up to BUCKET_CAP members of each matching bucket."""
        rows: list[NDArray[np.int64]] = []
        members: list[NDArray[np.int64]] = []
        for band in range(BANDS):
            left = np.searchsorted(self.keys[band], keys[:, band], "left")
            right = np.searchsorted(self.keys[band], keys[:, band], "right")
            count = np.minimum(right - left, BUCKET_CAP)
            starts = np.repeat(left - (np.cumsum(count) - count), count)
            picks = starts + np.arange(int(count.sum()))
            rows.append(np.repeat(np.arange(len(keys), dtype=np.int64), count))
            members.append(self.ids[band][picks])
        return np.concatenate(rows), np.concatenate(members)


class BandIndex:
    """Finds candidate near-duplicates of new signatures among everything indexed so far."""

    def __init__(self) -> None:
        self._main = _Run()
        self._delta = _Run()

    def __len__(self) -> int:
        return len(self._main) + len(self._delta)

    def candidates(self, keys: NDArray[np.uint64]) -> Pairs:
        """(query row, indexed id) pairs that share at least one band, without repeats."""
        parts = [self._main.lookup(keys), self._delta.lookup(keys)]
        return _unique_pairs(
            np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        )

    def insert(self, keys: NDArray[np.uint64], ids: NDArray[np.int64]) -> None:
        """Index new signatures' band keys.

        A few at a time go to a small delta run (cheap to re-sort); when it outgrows
        _MAX_DELTA it is merged into the main run in one linear pass. A large batch is sorted
        into the main run directly.
        """
        if len(keys) > _MAX_DELTA:
            self._fold()
            self._main.extend(keys, ids)
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
    firsts: list[NDArray[np.int64]] = [np.empty(0, np.int64)]
    seconds: list[NDArray[np.int64]] = [np.empty(0, np.int64)]
    for band in range(BANDS if len(keys) > 1 else 0):
        order = np.argsort(keys[:, band], kind="stable")
        ordered = keys[order, band]
        same = ordered[1:] == ordered[:-1]
        starts = np.flatnonzero(np.concatenate(([True], ~same)))
        heads = order[starts[np.cumsum(np.concatenate(([True], ~same))) - 1]]
        later = np.flatnonzero(same) + 1
        firsts += [order[later], order[later]]
        seconds += [order[later - 1], heads[later]]
    first, second = np.concatenate(firsts), np.concatenate(seconds)
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
    both = np.unique(a.astype(np.int64) * width + b)  # one int64 per pair: a fast 1-D unique
    return both // width, both % width
