"""Moving rows between rounds: shards by key, owners by ad number, the shuffle between them."""

from __future__ import annotations

import operator
import zlib
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from threadline.pipeline.executors import Executor, Handle

T = TypeVar("T")
Pairs = tuple[NDArray[np.int64], NDArray[np.int64]]


def shuffle(
    run: Executor, outputs: Sequence[Handle[Sequence[T]]], count: int
) -> list[list[Handle[T]]]:
    """`outputs` each split into `count` pieces, regrouped: piece s of every output, in order.

    Each piece is cut out where its output lies, so a task that takes the s-th list fetches
    only the s-th pieces, not whole outputs.
    """
    return [[run.submit(operator.getitem, output, s) for output in outputs] for s in range(count)]


def text_shard(text: str, count: int) -> int:
    """The shard of a string: the same in every process (Python's `hash` is not)."""
    return zlib.crc32(text.encode()) % count


def owners(starts: NDArray[np.int64], numbers: NDArray[np.int64]) -> NDArray[np.int64]:
    """The partition holding each ad number, partitions being ranges from their `starts`."""
    return np.searchsorted(starts, numbers, "right").astype(np.int64) - 1


def split_pairs(pairs: Pairs, owner: NDArray[np.int64], count: int) -> list[Pairs]:
    """Pairs split by the owner given for each, in their order."""
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(count + 1))
    a, b = pairs[0][order], pairs[1][order]
    return [(a[bounds[s] : bounds[s + 1]], b[bounds[s] : bounds[s + 1]]) for s in range(count)]


def joined(pieces: Sequence[Pairs]) -> Pairs:
    """Pieces of pairs, one after the other."""
    if not pieces:
        empty = np.empty(0, np.int64)
        return empty, empty
    return (
        np.concatenate([a for a, _ in pieces]).astype(np.int64),
        np.concatenate([b for _, b in pieces]).astype(np.int64),
    )


def distinct(pairs: Pairs) -> Pairs:
    """Each pair once, sorted (the same pair reaches a shard from several buckets)."""
    a, b = pairs
    if not len(a):
        return pairs
    both = np.unique(np.stack([a, b], axis=1), axis=0)
    return both[:, 0].copy(), both[:, 1].copy()
