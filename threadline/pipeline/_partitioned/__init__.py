"""Linking partitioned over an executor's workers, with the networks of one `LinkState`.

The partitions stay on the workers (Dask futures; in process, values) from round to round;
rows move between them by shuffles, each task fetching only its own pieces. The driver
holds what crosses partitions, never the corpus: edges between partitions' local roots,
the identifiers' spreads for the corpus norm, and one shard's networks at a time to store.

1. `prepare` (per partition): identifier labels, image hashes, template signatures.
2. Templates: band keys shuffled by key; each bucket, ordered by ad number, gives the
   candidates `LinkState` compares; the two signatures of a pair meet at the partitions of
   its ads; the verified pairs' components (per-partition union-find, then the boundary
   merge on the driver) are the template groups.
3. Images: each distinct hash owned by a shard; candidates from the corner buckets, checked
   by the match rule; components as for templates; each partition learns its images' groups.
4. The spread rule: every group's ads and co-occurring identifiers added up by shard; the
   driver settles the norm and threshold; each partition learns its groups' flags.
5. Networks: per-partition union-find through kept groups, the boundary merged on the
   driver; each network's shares put together by the shard that owns it.

For the same ads, in the same order, this gives what `link_ads` gives in one process:
networks, vias, the set-aside count (`tests/pipeline/test_partitioned.py`); spreads are
exact up to `SPREAD_CAP`, where `Groups` stops counting too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
from numpy.typing import NDArray

from threadline.link._spread import MIN_SPREAD, NORM_QUANTILE, SPREAD_FACTOR
from threadline.pipeline._partitioned import _census, _images, _networks, _templates
from threadline.pipeline._partitioned._components import Labelled, components
from threadline.pipeline._partitioned._networks import Described, network_record
from threadline.pipeline._partitioned._prepare import Part, prepare
from threadline.pipeline._partitioned._routing import owners, shuffle
from threadline.pipeline.executors import Executor, Handle

__all__ = ["Described", "Linked", "Part", "link_partitioned", "network_record", "prepare"]


@dataclass(frozen=True)
class Linked:
    """The networks of partitioned linking, held where they were computed."""

    ads: int
    set_aside: int
    threshold: int
    labels: list[Handle[list[str]]]  # per partition: each ad's network, as its smallest ad id
    networks: list[Handle[list[Described]]]  # per shard: its networks of two or more ads


def link_partitioned(
    run: Executor, parts: Sequence[Handle[Part]], starts: Sequence[int], shards: int
) -> Linked:
    """Networks of `parts` (prepared partitions whose ad numbers start at `starts`)."""
    first = np.asarray(starts, np.int64)
    templates = _template_groups(run, parts, first, shards)
    sent = [run.submit(_images.sent_texts, part, shards) for part in parts]
    image_labels = _image_groups(run, sent, shards, len(parts))
    keys = [
        run.submit(_census.group_keys, part, groups, texts, labels)
        for part, groups, texts, labels in zip(parts, templates, sent, image_labels, strict=True)
    ]
    del templates, sent, image_labels  # what the workers may now let go (they are futures)
    flags, set_aside, threshold = _rule(run, parts, keys, shards)
    local = [
        run.submit(_networks.local_networks, part, groups, answers)
        for part, groups, answers in zip(parts, keys, flags, strict=True)
    ]
    del keys, flags
    reports = run.gather([run.submit(_networks.boundary, item) for item in local])
    settled = _networks.settle(reports)
    labels = [
        run.submit(_networks.network_labels, item, roots)
        for item, roots in zip(local, settled, strict=True)
    ]
    shares = [
        run.submit(_networks.shares, part, item, roots, shards)
        for part, item, roots in zip(parts, local, settled, strict=True)
    ]
    found = [run.submit(_networks.networks, pieces) for pieces in shuffle(run, shares, shards)]
    count = sum(run.gather([run.submit(len, part) for part in parts]))
    return Linked(count, set_aside, threshold, labels, found)


def _template_groups(
    run: Executor, parts: Sequence[Handle[Part]], starts: NDArray[np.int64], shards: int
) -> list[Handle[Labelled]]:
    count = len(parts)
    keyed = [run.submit(_templates.band_shards, part, shards) for part in parts]
    pairs = [
        run.submit(_templates.bucket_pairs, pieces, starts)
        for pieces in shuffle(run, keyed, shards)
    ]
    signed = [
        run.submit(_templates.with_signatures, part, pieces, starts)
        for part, pieces in zip(parts, shuffle(run, pairs, count), strict=True)
    ]
    edges = [
        run.submit(_templates.verified, part, pieces)
        for part, pieces in zip(parts, shuffle(run, signed, count), strict=True)
    ]
    owned = [
        run.submit(_template_nodes, part, pairs) for part, pairs in zip(parts, edges, strict=True)
    ]
    return components(run, owned, partial(owners, starts))


def _template_nodes(
    part: Part, edges: tuple[NDArray[np.int64], NDArray[np.int64]]
) -> tuple[NDArray[np.int64], list[str], tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """A partition's indexed ads as nodes, labelled by ad id, with its verified pairs."""
    positions = part.indexed.tolist()
    return part.numbers[part.indexed], [part.ads[i].ad_id for i in positions], edges


def _image_groups(
    run: Executor, sent: Sequence[Handle[list[list[str]]]], shards: int, parts: int
) -> list[list[Handle[list[str]]]]:
    """Per partition, per image shard: the group label of each hash it sent there."""
    owned = [
        run.submit(_images.image_shard, pieces, s, shards)
        for s, pieces in enumerate(shuffle(run, sent, shards))
    ]
    filed = [run.submit(_images.filed, shard) for shard in owned]
    pairs = [
        run.submit(_images.bucket_pairs, pieces, shards) for pieces in shuffle(run, filed, shards)
    ]
    texted = [
        run.submit(_images.with_texts, shard, pieces)
        for shard, pieces in zip(owned, shuffle(run, pairs, shards), strict=True)
    ]
    edges = [
        run.submit(_images.verified, shard, pieces)
        for shard, pieces in zip(owned, shuffle(run, texted, shards), strict=True)
    ]
    nodes = [
        run.submit(_images.owned, shard, found) for shard, found in zip(owned, edges, strict=True)
    ]
    groups = components(run, nodes, lambda numbers: numbers % shards)
    answers = [
        run.submit(_images.answers, shard, labelled)
        for shard, labelled in zip(owned, groups, strict=True)
    ]
    return shuffle(run, answers, parts)


def _rule(
    run: Executor,
    parts: Sequence[Handle[Part]],
    keys: Sequence[Handle[list[tuple[str, ...]]]],
    shards: int,
) -> tuple[list[list[Handle[dict[str, int]]]], int, int]:
    """Each partition's group flags, how many groups are set aside, and the threshold."""
    tallies = [
        run.submit(_census.tally, part, groups, shards)
        for part, groups in zip(parts, keys, strict=True)
    ]
    census = [run.submit(_census.merged, pieces) for pieces in shuffle(run, tallies, shards)]
    spreads = run.gather([run.submit(_census.identifier_spreads, shard) for shard in census])
    values = np.concatenate(spreads) if spreads else np.empty(0, np.int64)
    norm = float(np.percentile(values, NORM_QUANTILE)) if len(values) else 0.0
    threshold = max(MIN_SPREAD, math.ceil(SPREAD_FACTOR * norm))
    answers = [run.submit(_census.answers, shard, threshold) for shard in census]
    set_aside = sum(run.gather([run.submit(_census.set_aside, s, threshold) for s in census]))
    return shuffle(run, answers, len(parts)), set_aside, threshold
