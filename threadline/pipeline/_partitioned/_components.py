"""Connected components across owners: union-find at each owner, then the boundary merge.

Nodes (ads, images) are numbered globally and each has one owner (a partition, a shard).
Each owner joins its nodes through the edges that stay within it and reports only its edges
to other owners' nodes; the driver asks those owners for the local root of each node named,
runs union-find over the local roots alone, and hands each owner the settled label of the
roots that joined across. A component's label is its smallest node label, as `Groups`
labels a group by its smallest item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from threadline.link._unionfind import component_roots
from threadline.pipeline._partitioned import _sizes
from threadline.pipeline._partitioned._routing import Pairs
from threadline.pipeline.executors import Executor, Handle

Settled = dict[int, tuple[str, int]]  # root node -> (component label, component size)


@dataclass(frozen=True)
class Local:
    """One owner's nodes joined by its own edges, and its edges to other owners' nodes."""

    nodes: NDArray[np.int64]  # rising
    labels: Sequence[str]  # per node
    roots: NDArray[np.int64]  # per node, the position of its local root
    least: dict[int, str]  # local root position -> smallest label (roots of two or more)
    sizes: NDArray[np.int64]  # per position: its component's size, when it is a root
    cross: Pairs  # (local root node, node elsewhere)

    def __sizeof__(self) -> int:
        counted = _sizes.items(self.labels, self.least, self.least)
        return counted + _sizes.arrays(self.nodes, self.roots, self.sizes, *self.cross)

    def settled(self, position: int) -> tuple[str, int]:
        """A local root's label and size, as far as this owner knows."""
        return self.least.get(position, self.labels[position]), int(self.sizes[position])


@dataclass(frozen=True)
class Labelled:
    """Each node's component label and size ("" and 1 for a node alone)."""

    nodes: NDArray[np.int64]
    labels: list[str]
    sizes: NDArray[np.int64]

    def __sizeof__(self) -> int:
        return _sizes.items(self.labels) + _sizes.arrays(self.nodes, self.sizes)


def local_components(nodes: NDArray[np.int64], labels: Sequence[str], edges: Pairs) -> Local:
    """Components of one owner's nodes through `edges` (the first end owned here)."""
    a = np.searchsorted(nodes, edges[0]).astype(np.int64)
    b = np.clip(np.searchsorted(nodes, edges[1]), 0, max(len(nodes) - 1, 0)).astype(np.int64)
    here = nodes[b] == edges[1] if len(nodes) else np.zeros(0, np.bool_)
    roots = component_roots(len(nodes), a[here], b[here])
    sizes = np.bincount(roots, minlength=len(nodes)).astype(np.int64)
    least: dict[int, str] = {}
    for position in np.flatnonzero(sizes[roots] > 1).tolist():
        root, label = int(roots[position]), labels[position]
        if root not in least or label < least[root]:
            least[root] = label
    cross = (nodes[roots[a[~here]]], edges[1][~here])
    return Local(nodes, labels, roots, least, sizes, cross)


def _boundary(local: Local) -> tuple[Pairs, Settled]:
    roots = np.unique(local.cross[0])
    positions = np.searchsorted(local.nodes, roots)
    return local.cross, {
        int(root): local.settled(int(p)) for root, p in zip(roots, positions, strict=True)
    }


def _roots_of(local: Local, nodes: NDArray[np.int64]) -> tuple[NDArray[np.int64], Settled]:
    roots = local.roots[np.searchsorted(local.nodes, nodes)]
    return local.nodes[roots], {int(local.nodes[r]): local.settled(int(r)) for r in roots}


def _finish(local: Local, settled: Settled) -> Labelled:
    """Each node's label and size: its root's, settled across owners or found here."""
    final = list(local.labels)
    sizes = np.ones(len(local.nodes), np.int64)
    for position, root in enumerate(local.roots.tolist()):
        node = int(local.nodes[root])
        label, size = settled[node] if node in settled else local.settled(root)
        if size > 1:
            final[position], sizes[position] = label, size
    return Labelled(local.nodes, final, sizes)


def components(
    run: Executor,
    owned: Sequence[Handle[tuple[NDArray[np.int64], list[str], Pairs]]],
    owner_of: Callable[[NDArray[np.int64]], NDArray[np.int64]],
) -> list[Handle[Labelled]]:
    """Components of every owner's (nodes, labels, edges), labelled; one result per owner."""
    local = [run.submit(_local, item) for item in owned]
    reports = run.gather([run.submit(_boundary, item) for item in local])
    starts = np.concatenate([edges[0] for edges, _ in reports] or [np.empty(0, np.int64)])
    ends = np.concatenate([edges[1] for edges, _ in reports] or [np.empty(0, np.int64)])
    known: Settled = {}
    for _, roots in reports:
        known.update(roots)
    ends_root = _ask_owners(run, local, owner_of, ends, known)
    settled = _merge(starts.astype(np.int64), ends_root, known)
    by_owner: list[Settled] = [{} for _ in owned]
    if settled:
        nodes = np.fromiter(settled, np.int64, len(settled))
        for node, owner in zip(nodes.tolist(), owner_of(nodes).tolist(), strict=True):
            by_owner[owner][node] = settled[node]
    return [run.submit(_finish, item, answer) for item, answer in zip(local, by_owner, strict=True)]


def _local(owned: tuple[NDArray[np.int64], list[str], Pairs]) -> Local:
    return local_components(*owned)


def _ask_owners(
    run: Executor,
    local: Sequence[Handle[Local]],
    owner_of: Callable[[NDArray[np.int64]], NDArray[np.int64]],
    nodes: NDArray[np.int64],
    known: Settled,
) -> NDArray[np.int64]:
    """The local root of each node named by an edge across, asked of the node's owner."""
    roots = np.empty(len(nodes), np.int64)
    owner = owner_of(nodes)
    asked = [(o, np.flatnonzero(owner == o)) for o in np.unique(owner).tolist()]
    answers = run.gather([run.submit(_roots_of, local[o], nodes[at]) for o, at in asked])
    for (_, at), (found, settled) in zip(asked, answers, strict=True):
        roots[at] = found
        known.update(settled)
    return roots


def _merge(a: NDArray[np.int64], b: NDArray[np.int64], known: Settled) -> Settled:
    """Union-find over the local roots joined across owners: each one's settled component."""
    if not len(a):
        return {}
    nodes, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    roots = component_roots(len(nodes), inverse[: len(a)], inverse[len(a) :])
    label: dict[int, str] = {}
    size: dict[int, int] = {}
    for node, root in zip(nodes.tolist(), roots.tolist(), strict=True):
        own, count = known[node]
        size[root] = size.get(root, 0) + count
        if root not in label or own < label[root]:
            label[root] = own
    return {
        node: (label[root], size[root])
        for node, root in zip(nodes.tolist(), roots.tolist(), strict=True)
    }
