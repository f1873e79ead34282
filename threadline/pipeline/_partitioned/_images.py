"""Image links across partitions: each distinct hash owned by one shard, near ones paired.

A hash is owned by the shard its text falls in; its node number is `shard + count * i`, so
its owner is the number modulo `count`. Candidates come from the buckets `HammingIndex`
files images under (corner chunks), shuffled by bucket; every candidate is checked by the
same rule, so the groups (components of matching hashes) are `LinkState`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from numpy.typing import NDArray

from threadline.link._images import bucket_keys, corners, hash_bits, split_hash, variants_match
from threadline.pipeline._partitioned import _sizes
from threadline.pipeline._partitioned._components import Labelled
from threadline.pipeline._partitioned._prepare import Part
from threadline.pipeline._partitioned._routing import (
    Pairs,
    distinct,
    joined,
    split_pairs,
    text_shard,
)

Filed = tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.bool_]]  # bucket, node, whole
WithText = tuple[NDArray[np.int64], NDArray[np.int64], list[str]]


@dataclass(frozen=True)
class ImageShard:
    """The distinct hashes one shard owns, and which of them each partition sent."""

    shard: int
    count: int
    texts: list[str]  # sorted
    asked: list[NDArray[np.int64]]  # per partition: positions of the texts it sent, in order

    def __sizeof__(self) -> int:
        return _sizes.texts(self.texts) + _sizes.items(self.texts) + _sizes.arrays(*self.asked)

    @property
    def nodes(self) -> NDArray[np.int64]:
        """Node numbers of the texts, rising."""
        return self.shard + self.count * np.arange(len(self.texts), dtype=np.int64)

    def text(self, node: int) -> str:
        """The hash text of one of this shard's nodes."""
        return self.texts[(node - self.shard) // self.count]


def sent_texts(part: Part, count: int) -> list[list[str]]:
    """The partition's distinct hashes, split by owning shard."""
    shards: list[list[str]] = [[] for _ in range(count)]
    for text in dict.fromkeys(chain.from_iterable(part.images)):
        shards[text_shard(text, count)].append(text)
    return shards


def image_shard(pieces: Sequence[list[str]], shard: int, count: int) -> ImageShard:
    """A shard's hashes from every partition, once each."""
    texts = sorted(set(chain.from_iterable(pieces)))
    index = {text: i for i, text in enumerate(texts)}
    asked = [np.fromiter((index[t] for t in piece), np.int64, len(piece)) for piece in pieces]
    return ImageShard(shard, count, texts, asked)


def filed(shard: ImageShard) -> list[Filed]:
    """Each hash under each of its buckets, split into shards by bucket."""
    buckets: list[int] = []
    nodes: list[int] = []
    whole: list[bool] = []
    for node, text in zip(shard.nodes.tolist(), shard.texts, strict=True):
        for bucket, is_whole in bucket_keys(corners(text)):
            buckets.append(bucket)
            nodes.append(node)
            whole.append(is_whole)
    keys = np.asarray(buckets, np.uint64)
    numbers, flags = np.asarray(nodes, np.int64), np.asarray(whole, np.bool_)
    target = (keys % np.uint64(shard.count)).astype(np.int64)
    return [
        (keys[target == s], numbers[target == s], flags[target == s]) for s in range(shard.count)
    ]


def bucket_pairs(pieces: Sequence[Filed], count: int) -> list[Pairs]:
    """Candidates of a shard's buckets: a whole-image corner with every other hash in its
    bucket, as (larger node, smaller node), split by the owner of the smaller."""
    keys = np.concatenate([k for k, _, _ in pieces])
    nodes = np.concatenate([n for _, n, _ in pieces])
    whole = np.concatenate([w for _, _, w in pieces])
    order = np.argsort(keys, kind="stable")
    keys, nodes, whole = keys[order], nodes[order], whole[order]
    is_start = np.concatenate(([True], keys[1:] != keys[:-1])) if len(keys) else np.zeros(0, bool)
    starts = np.flatnonzero(is_start)
    lengths = np.diff(np.append(starts, len(keys)))
    run = np.cumsum(is_start) - 1
    asking = np.flatnonzero(whole)
    width = lengths[run[asking]]
    left = np.repeat(nodes[asking], width)
    offsets = np.arange(int(width.sum())) - np.repeat(np.cumsum(width) - width, width)
    right = nodes[np.repeat(starts[run[asking]], width) + offsets]
    keep = left != right
    high, low = np.maximum(left, right)[keep], np.minimum(left, right)[keep]
    return split_pairs((high, low), low % count, count)


def with_texts(shard: ImageShard, pieces: Sequence[Pairs]) -> list[WithText]:
    """At the smaller node's owner: each pair once with that hash, split by the larger's."""
    high, low = distinct(joined(pieces))
    owner = high % shard.count
    out: list[WithText] = []
    for s in range(shard.count):
        mine = owner == s
        out.append((high[mine], low[mine], [shard.text(int(n)) for n in low[mine].tolist()]))
    return out


def verified(shard: ImageShard, pieces: Sequence[WithText]) -> Pairs:
    """At the larger node's owner: the candidate pairs whose hashes match."""
    high: list[int] = []
    low: list[int] = []
    for highs, lows, texts in pieces:
        for node, other, text in zip(highs.tolist(), lows.tolist(), texts, strict=True):
            if _match(shard.text(node), text):
                high.append(node)
                low.append(other)
    return np.asarray(high, np.int64), np.asarray(low, np.int64)


def _match(a: str, b: str) -> bool:
    bits = hash_bits(a)
    return bits == hash_bits(b) and variants_match(split_hash(a), split_hash(b), bits)


def owned(shard: ImageShard, edges: Pairs) -> tuple[NDArray[np.int64], list[str], Pairs]:
    """The shard's nodes, labelled as `LinkState` labels images, with its verified edges."""
    return shard.nodes, [text[:16] for text in shard.texts], edges


def answers(shard: ImageShard, labelled: Labelled) -> list[list[str]]:
    """For each partition, the group label of each hash it sent here, in its order."""
    return [[labelled.labels[i] for i in asked.tolist()] for asked in shard.asked]
