"""Identifier networks linked per partition on the workers; the driver merges only the boundary.

Two rounds over the same partitions, each a pure function an executor maps:

1. `census` (workers): every identifier's ad count and co-occurring identifiers in the
   partition. The driver joins them into the global spread of each identifier, the corpus
   norm and threshold, and the identifiers the spread rule sets aside (the rule needs global
   figures: a site's number is set aside because of all its ads, not one partition's), and
   names the boundary: identifiers seen in more than one partition.
2. `link_partition` (workers): union-find over the partition's own ads through identifiers
   that are not set aside; each ad's local root, the smallest ad id per root, and an edge
   (identifier -> local root) for boundary identifiers only.

The driver then runs union-find over partition roots joined by the boundary edges and
relabels every ad with the stable id of its global component's smallest ad id. What it
holds is one entry per partition root and per boundary identifier, not the whole state.

Scope: identifier links (phone, email, handle). Template and image links are not part of
this merge yet; on evidence without them the partition equals `link_ads`' networks exactly
(tests/pipeline/test_partitioned.py). Spreads are exact up to `SPREAD_CAP`, where
LinkState stops counting (far past any threshold).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from threadline.link._result import stable_id
from threadline.link._spread import MIN_SPREAD, NORM_QUANTILE, SPREAD_FACTOR
from threadline.link._state import identifier_label
from threadline.link._unionfind import UnionFind
from threadline.model import AdEvidence
from threadline.pipeline.executors import Executor


@dataclass(frozen=True)
class Census:
    """One partition's identifiers: how many ads carry each, and what co-occurs with each."""

    ads: dict[str, int]
    co: dict[str, frozenset[str]]  # only identifiers that co-occur with another


@dataclass(frozen=True)
class Rule:
    """The global spread rule as the driver settled it, and the boundary identifiers."""

    norm: float
    threshold: int
    set_aside: frozenset[str]
    boundary: frozenset[str]


@dataclass(frozen=True)
class PartitionLinks:
    """One partition linked on its own: ad -> local root, roots' smallest ids, boundary edges."""

    ad_roots: dict[str, int]
    root_min: dict[int, str]
    edges: dict[str, int]  # boundary identifier -> local root holding it


@dataclass
class Merged:
    """The global networks: ad id -> network id (stable, as `link_ads` gives them)."""

    networks: dict[str, str] = field(default_factory=dict)
    rule: Rule | None = None
    driver_entries: int = 0  # partition roots and boundary edges the driver held


def ad_labels(evidence: AdEvidence) -> tuple[str, ...]:
    """The ad's linking identifiers, normalized as LinkState normalizes them, once each."""
    labels = (identifier_label(kind, value) for kind, value in evidence.identifiers)
    return tuple(dict.fromkeys(x for x in labels if x is not None))


def _first_records(evidence: Iterable[AdEvidence]) -> Iterator[AdEvidence]:
    seen: set[str] = set()
    for item in evidence:
        if item.ad_id not in seen:  # the first record of an id wins, as in LinkState
            seen.add(item.ad_id)
            yield item


def census(evidence: list[AdEvidence]) -> Census:
    """Round 1 on a worker: ad counts and co-occurring identifiers of one partition."""
    counts: defaultdict[str, int] = defaultdict(int)
    co: defaultdict[str, set[str]] = defaultdict(set)
    for item in _first_records(evidence):
        labels = ad_labels(item)
        for label in labels:
            counts[label] += 1
            if len(labels) > 1:
                co[label].update(x for x in labels if x != label)
    return Census(dict(counts), {k: frozenset(v) for k, v in co.items()})


def settle_rule(parts: Iterable[Census]) -> Rule:
    """The driver's step between rounds: global spreads, norm, threshold, set-asides, boundary."""
    ads: defaultdict[str, int] = defaultdict(int)
    partitions: defaultdict[str, int] = defaultdict(int)
    co: dict[str, frozenset[str] | set[str]] = {}
    for part in parts:
        for label, count in part.ads.items():
            ads[label] += count
            partitions[label] += 1
        for label, others in part.co.items():
            known = co.get(label)
            if known is None:
                co[label] = others
            else:  # a boundary identifier: its co-occurrences are the union of its partitions'
                co[label] = set(known) | others
    spreads = {label: len(co.get(label, ())) for label, count in ads.items() if count > 1}
    values = list(spreads.values())
    norm = float(np.percentile(values, NORM_QUANTILE)) if values else 0.0
    threshold = max(MIN_SPREAD, math.ceil(SPREAD_FACTOR * norm))
    set_aside = frozenset(label for label, spread in spreads.items() if spread >= threshold)
    boundary = frozenset(
        label for label, count in partitions.items() if count > 1 and label not in set_aside
    )
    return Rule(norm, threshold, set_aside, boundary)


def link_partition(rule: Rule, evidence: list[AdEvidence]) -> PartitionLinks:
    """Round 2 on a worker: union-find over the partition's ads via identifiers kept."""
    uf = UnionFind()
    ids: list[str] = []
    holder: dict[str, int] = {}  # identifier -> first local ad carrying it
    for item in _first_records(evidence):
        number = uf.add()
        ids.append(item.ad_id)
        for label in ad_labels(item):
            if label in rule.set_aside:
                continue
            first = holder.setdefault(label, number)
            if first != number:
                uf.union(first, number)
    roots = [uf.find(number) for number in range(len(ids))]
    root_min: dict[int, str] = {}
    for ad_id, root in zip(ids, roots, strict=True):
        if root not in root_min or ad_id < root_min[root]:
            root_min[root] = ad_id
    edges = {label: roots[first] for label, first in holder.items() if label in rule.boundary}
    return PartitionLinks(dict(zip(ids, roots, strict=True)), root_min, edges)


def merge_boundary(parts: Sequence[PartitionLinks], rule: Rule) -> Merged:
    """The driver's last step: union-find over partition roots joined by boundary edges."""
    uf = UnionFind()
    node: dict[tuple[int, int], int] = {}
    smallest: list[str] = []
    for index, part in enumerate(parts):
        for root, ad_id in part.root_min.items():
            node[(index, root)] = uf.add()
            smallest.append(ad_id)
    first_node: dict[str, int] = {}
    for index, part in enumerate(parts):
        for label, root in part.edges.items():
            here = node[(index, root)]
            first = first_node.setdefault(label, here)
            if first != here:
                uf.union(first, here)
    component_min: dict[int, str] = {}
    for number, ad_id in enumerate(smallest):
        root = uf.find(number)
        if root not in component_min or ad_id < component_min[root]:
            component_min[root] = ad_id
    networks: dict[str, str] = {}
    for index, part in enumerate(parts):
        for ad_id, root in part.ad_roots.items():
            label = component_min[uf.find(node[(index, root)])]
            networks.setdefault(ad_id, stable_id("N", label))
    entries = len(node) + sum(len(part.edges) for part in parts)
    return Merged(networks, rule, entries)


def partitioned_networks(executor: Executor, partitions: Sequence[list[AdEvidence]]) -> Merged:
    """Identifier networks of partitions (distinct ad ids across them) linked on `executor`."""
    rule = settle_rule(executor.map(census, partitions))
    parts = list(executor.map(partial(link_partition, rule), partitions))
    return merge_boundary(parts, rule)
