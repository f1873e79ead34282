"""Networks across partitions: union-find per partition, the boundary merged by the driver.

Within a partition, ads join through every linked group that is not set aside. A group seen
in other partitions too (a boundary group) is reported with the local root holding it; the
driver joins local roots through those groups and settles the smallest ad id of each
component, which names the network as `link_ads` names it. Each partition then describes
its share of every network; the shard owning a network puts the shares together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from threadline.link import NetworkSummary
from threadline.link._result import stable_id
from threadline.link._unionfind import UnionFind, component_roots
from threadline.pipeline._partitioned import _sizes
from threadline.pipeline._partitioned._census import BOUNDARY, IMAGE, LINKED, SET_ASIDE, TEMPLATE
from threadline.pipeline._partitioned._prepare import Part
from threadline.pipeline._partitioned._routing import text_shard
from threadline.store import NetworkRecord

Boundary = tuple[dict[str, int], dict[int, str]]  # group -> local root; root -> smallest ad id


@dataclass(frozen=True)
class LocalNetworks:
    """A partition's ads joined by its own kept groups, with what places each ad."""

    roots: list[int]  # per ad, the position of its local root
    least: dict[int, str]  # local root -> smallest ad id of its local component
    sizes: list[int]  # per position: its local component's size, when it is a root
    edges: dict[str, int]  # boundary group -> the local root holding it
    vias: list[tuple[str, ...]]  # per ad: the evidence that places it (`Via.label()`s)
    hidden: frozenset[str]  # the partition's identifiers that are set aside

    def __sizeof__(self) -> int:
        counted = _sizes.items(self.roots, self.sizes, self.least, self.edges, self.hidden)
        return counted + _sizes.items(*self.vias)


def local_networks(
    part: Part, keys: Sequence[tuple[str, ...]], answers: Sequence[Mapping[str, int]]
) -> LocalNetworks:
    """Union-find over the partition's ads through its linked groups not set aside."""
    status = {group: flag for answer in answers for group, flag in answer.items()}
    kept = {g for g, flag in status.items() if flag & LINKED and not flag & SET_ASIDE}
    holder: dict[str, int] = {}
    a: list[int] = []
    b: list[int] = []
    for position, groups in enumerate(keys):
        for group in groups:
            if group in kept:
                first = holder.setdefault(group, position)
                if first != position:
                    a.append(first)
                    b.append(position)
    roots = component_roots(len(part), np.asarray(a, np.int64), np.asarray(b, np.int64)).tolist()
    least: dict[int, str] = {}
    for item, root in zip(part.ads, roots, strict=True):
        if root not in least or item.ad_id < least[root]:
            least[root] = item.ad_id
    edges = {g: roots[at] for g, at in holder.items() if status[g] & BOUNDARY}
    hidden = frozenset(g for g, flag in status.items() if flag & SET_ASIDE)
    sizes = np.bincount(np.asarray(roots, np.int64), minlength=len(part)).tolist()
    vias = [_vias(groups, kept) for groups in keys]
    return LocalNetworks(roots, least, sizes, edges, vias, hidden)


def _vias(groups: tuple[str, ...], kept: set[str]) -> tuple[str, ...]:
    found: list[str] = []
    for group in groups:
        if group not in kept:
            continue
        if group.startswith(TEMPLATE):
            found.append(TEMPLATE + stable_id("T", group.removeprefix(TEMPLATE)))
        else:
            found.append(group)  # an identifier's label and an image group's are their vias
    return tuple(found)


def boundary(local: LocalNetworks) -> Boundary:
    """What the driver needs of a partition: its boundary groups and their roots' ids."""
    return local.edges, {root: local.least[root] for root in set(local.edges.values())}


def settle(reports: Sequence[Boundary]) -> list[dict[int, str]]:
    """The driver's merge: per partition, local root -> smallest ad id of its network."""
    uf = UnionFind()
    node: dict[tuple[int, int], int] = {}
    least: list[str] = []
    first: dict[str, int] = {}
    for index, (edges, roots) in enumerate(reports):
        for root, ad_id in roots.items():
            node[(index, root)] = uf.add()
            least.append(ad_id)
        for group, root in edges.items():
            here = node[(index, root)]
            uf.union(first.setdefault(group, here), here)
    smallest: dict[int, str] = {}
    for number, ad_id in enumerate(least):
        top = uf.find(number)
        if top not in smallest or ad_id < smallest[top]:
            smallest[top] = ad_id
    settled: list[dict[int, str]] = [{} for _ in reports]
    for (index, root), number in node.items():
        settled[index][root] = smallest[uf.find(number)]
    return settled


def network_labels(local: LocalNetworks, settled: Mapping[int, str]) -> list[str]:
    """Each ad's network, as the smallest ad id in it."""
    return [settled.get(root, local.least[root]) for root in local.roots]


@dataclass
class Share:
    """What one partition knows of a network: its ads there and what they have in common."""

    members: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    identifiers: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    cities: set[str] = field(default_factory=set)
    times: list[datetime] = field(default_factory=list)
    risk: float = 0.0
    juvenile: list[str] = field(default_factory=list)

    def __sizeof__(self) -> int:
        shared = (self.members, self.identifiers, self.names, self.cities, self.times)
        return _sizes.items(*shared, self.juvenile) + _sizes.items(*(v for _, v in self.members))

    def add(self, other: Share) -> None:
        """Fold another partition's share of the same network in."""
        self.members += other.members
        self.identifiers |= other.identifiers
        self.names |= other.names
        self.cities |= other.cities
        self.times += other.times
        self.risk = max(self.risk, other.risk)
        self.juvenile += other.juvenile


def shares(
    part: Part, local: LocalNetworks, settled: Mapping[int, str], count: int
) -> list[dict[str, Share]]:
    """The partition's share of every network of two or more ads, split by owning shard."""
    found: dict[str, Share] = {}
    for position, root in enumerate(local.roots):
        if local.sizes[root] < 2 and root not in settled:
            continue  # alone here and joined nowhere else: a network of one ad
        label = settled.get(root, local.least[root])
        _add_ad(found.setdefault(label, Share()), part, local, position)
    split: list[dict[str, Share]] = [{} for _ in range(count)]
    for label, share in found.items():
        split[text_shard(label, count)][label] = share
    return split


def _add_ad(share: Share, part: Part, local: LocalNetworks, position: int) -> None:
    ad = part.ads[position]
    share.members.append((ad.ad_id, local.vias[position]))
    share.identifiers.update(x for x in part.labels[position] if x not in local.hidden)
    share.names.update(ad.names)
    if ad.city:
        share.cities.add(ad.city)
    if ad.posted_at is not None:
        share.times.append(ad.posted_at)
    share.risk = max(share.risk, ad.risk_score)
    if ad.juvenile:
        share.juvenile.append(ad.ad_id)


Described = tuple[NetworkSummary, dict[str, tuple[str, ...]]]  # a network, its ads' vias


def networks(pieces: Sequence[Mapping[str, Share]]) -> list[Described]:
    """A shard's networks of two or more ads, their shares put together."""
    whole: dict[str, Share] = {}
    for piece in pieces:
        for label, share in piece.items():
            if label in whole:
                whole[label].add(share)
            else:
                whole[label] = share
    return [_described(label, share) for label, share in whole.items() if len(share.members) > 1]


def _described(label: str, share: Share) -> Described:
    vias = dict(share.members)
    labels = [v for via in vias.values() for v in via]
    summary = NetworkSummary(
        id=stable_id("N", label),
        ads=tuple(sorted(vias)),
        identifiers=tuple(sorted(share.identifiers)),
        names=tuple(sorted(share.names)),
        cities=tuple(sorted(share.cities)),
        first_seen=min(share.times, default=None),
        last_seen=max(share.times, default=None),
        max_risk=share.risk,
        juvenile_ads=tuple(sorted(share.juvenile)),
        templates=_after(labels, TEMPLATE),
        images=_after(labels, IMAGE),
    )
    return summary, vias


def _after(labels: list[str], prefix: str) -> tuple[str, ...]:
    return tuple(sorted({x.removeprefix(prefix) for x in labels if x.startswith(prefix)}))


def network_record(summary: NetworkSummary, vias: Mapping[str, tuple[str, ...]]) -> NetworkRecord:
    """A network as the store keeps it; ad ids are row ids."""
    return NetworkRecord(
        id=summary.id,
        size=len(summary.ads),
        first_seen=summary.first_seen,
        last_seen=summary.last_seen,
        risk_max=summary.max_risk,
        juvenile=bool(summary.juvenile_ads),
        summary=summary.to_record(),
        members=tuple((int(ad_id), vias.get(ad_id, ())) for ad_id in summary.ads),
    )
