"""Banded LSH over MinHash signatures, kept as sorted numpy arrays (a main run and a delta).

Every band key is salted with its band number and all bands live in one sorted array, so a
lookup is one `searchsorted` for all bands of all queries: numpy's per-call cost, not the
index size, is what a single new ad pays.

Which members of a band bucket are compared is fixed by the order of arrival alone: each
member with the bucket's first member and with the member before it. Ads arrive in one
order (their number), so the candidates are the same whether they come one at a time, in
batches, or all at once, and a cluster that sorts each bucket by ad number finds exactly
these pairs (`pipeline/_partitioned/`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from threadline.link._minhash import PERMUTATIONS, similarity

BANDS = 16
ROWS = PERMUTATIONS // BANDS  # 16 bands of 4 rows: candidates from Jaccard ~0.5 up
THRESHOLD = 0.5  # estimated Jaccard a candidate pair needs to count as one template
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

    def ends(self, flat: NDArray[np.uint64]) -> tuple[NDArray[np.bool_], Pairs]:
        """For each key: whether the run has it, and its bucket's first and last member."""
        left, right = self._bounds(flat)
        found = right > left
        if not len(self.ids):
            empty = np.zeros(len(flat), np.int64)
            return found, (empty, empty)
        top = len(self.ids) - 1
        return found, (self.ids[np.minimum(left, top)], self.ids[np.maximum(right - 1, 0)])

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

    def ends(self, flat: NDArray[np.uint64]) -> tuple[NDArray[np.bool_], Pairs]:
        """For each key: whether it is indexed, and its bucket's first and last member.

        The delta holds what arrived after the main run, so a bucket's first member is in
        the main run when it is there at all, and its last is in the delta likewise.
        """
        in_main, (main_first, main_last) = self._main.ends(flat)
        in_delta, (delta_first, delta_last) = self._delta.ends(flat)
        first = np.where(in_main, main_first, delta_first)
        last = np.where(in_delta, delta_last, main_last)
        return in_main | in_delta, (first, last)

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


def bucket_pairs(keys: NDArray[np.uint64], index: BandIndex) -> tuple[Pairs, Pairs]:
    """Candidates of a batch of (n, BANDS) keys arriving after everything in `index`.

    Each member of a bucket is paired with the bucket's first member and with its
    predecessor, in the order of arrival. Returns (batch row, indexed id) pairs and
    (batch row, earlier batch row) pairs, each without repeats.
    """
    flat = keys.ravel()
    rows = np.repeat(np.arange(len(keys), dtype=np.int64), BANDS)
    order, head, later = _runs(flat)
    found, (first, last) = index.ends(flat[order])
    starts = np.flatnonzero(head == np.arange(len(order)))
    old = (
        np.concatenate([rows[order][found], rows[order[starts]][found[starts]]]),
        np.concatenate([first[found], last[starts][found[starts]]]),
    )
    fresh = later[~found[later]]  # buckets new in this batch: paired with the batch's head
    a = rows[np.concatenate([order[later], order[fresh]])]
    b = rows[np.concatenate([order[later - 1], order[head[fresh]]])]
    keep = a != b
    return _unique_pairs(*old), _unique_pairs(a[keep], b[keep])


def ordered_pairs(flat: NDArray[np.uint64], ids: NDArray[np.int64]) -> Pairs:
    """The same rule over band keys listed in order of arrival, with the id of each: every
    member of a bucket with its first member and its predecessor, as (later, earlier)."""
    order, head, later = _runs(flat)
    a = ids[np.concatenate([order[later], order[later]])]
    b = ids[np.concatenate([order[later - 1], order[head[later]]])]
    keep = a != b
    return _unique_pairs(a[keep], b[keep])


def _runs(
    flat: NDArray[np.uint64],
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Keys sorted stably (`order`); for each sorted position its run's first position
    (`head`); and the positions that are not the first of their run (`later`)."""
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    same = ordered[1:] == ordered[:-1]
    is_start = np.concatenate(([True], ~same))
    head = np.flatnonzero(is_start)[np.cumsum(is_start) - 1]
    return order, head, np.flatnonzero(same) + 1


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
