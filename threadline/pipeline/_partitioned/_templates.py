"""Template links across partitions: band buckets shuffled by key, pairs verified by owners.

The candidates are `LinkState`'s: in each band bucket, ordered by ad number, every member
with the first member and with its predecessor. A bucket is whole only once all partitions
have sent their keys to its shard; the pair's two signatures then meet in two hops, first
at the partition of the earlier ad, then at the partition of the later one, which checks
the estimated Jaccard as `LinkState` does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from threadline.link._lsh import BANDS, THRESHOLD, ordered_pairs
from threadline.link._minhash import similarity
from threadline.pipeline._partitioned._prepare import Part
from threadline.pipeline._partitioned._routing import (
    Pairs,
    distinct,
    joined,
    owners,
    split_pairs,
)

Keyed = tuple[NDArray[np.uint64], NDArray[np.int64]]  # band keys, with the ad number of each
WithSignature = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.uint32]]


def band_shards(part: Part, count: int) -> list[Keyed]:
    """The partition's band keys with their ad numbers, split into `count` shards by key."""
    flat = part.keys.ravel()
    numbers = np.repeat(part.numbers[part.indexed], BANDS)
    shard = (flat % np.uint64(count)).astype(np.int64)
    return [(flat[shard == s], numbers[shard == s]) for s in range(count)]


def bucket_pairs(pieces: Sequence[Keyed], starts: NDArray[np.int64]) -> list[Pairs]:
    """A shard's buckets (pieces in partition order, so numbers rise): candidate pairs
    (later, earlier), split by the partition of the earlier ad."""
    keys = np.concatenate([k for k, _ in pieces]) if pieces else np.empty(0, np.uint64)
    numbers = np.concatenate([n for _, n in pieces]) if pieces else np.empty(0, np.int64)
    pairs = ordered_pairs(keys, numbers.astype(np.int64))
    return split_pairs(pairs, owners(starts, pairs[1]), len(starts))


def with_signatures(
    part: Part, pieces: Sequence[Pairs], starts: NDArray[np.int64]
) -> list[WithSignature]:
    """At the earlier ad's partition: each pair once, with that ad's signature, split by the
    partition of the later ad."""
    later, earlier = distinct(joined(pieces))
    signatures = part.signatures_of(earlier)
    owner = owners(starts, later)
    return [
        (later[owner == s], earlier[owner == s], signatures[owner == s]) for s in range(len(starts))
    ]


def verified(part: Part, pieces: Sequence[WithSignature]) -> Pairs:
    """At the later ad's partition: the pairs whose signatures agree enough to be a template."""
    if not pieces:
        empty = np.empty(0, np.int64)
        return empty, empty
    later = np.concatenate([a for a, _, _ in pieces])
    earlier = np.concatenate([b for _, b, _ in pieces])
    theirs = np.concatenate([s for _, _, s in pieces])
    keep = similarity(part.signatures_of(later), theirs) >= THRESHOLD
    return later[keep], earlier[keep]
