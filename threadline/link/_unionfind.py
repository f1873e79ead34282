"""Disjoint sets that grow, and connected components of an edge list."""

from __future__ import annotations

import igraph
import numpy as np
from numpy.typing import NDArray


class UnionFind:
    """Disjoint sets over 0..n-1; union by size, path halving; items are added one by one."""

    __slots__ = ("_parent", "_size")

    def __init__(self) -> None:
        self._parent: list[int] = []
        self._size: list[int] = []

    def __len__(self) -> int:
        return len(self._parent)

    def add(self) -> int:
        """A new singleton set; returns its item."""
        item = len(self._parent)
        self._parent.append(item)
        self._size.append(1)
        return item

    def find(self, item: int) -> int:
        """The root of the set holding `item`."""
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> tuple[int, int] | None:
        """Join two sets; returns (kept root, absorbed root), or None when already one set."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return None
        if self._size[root_a] < self._size[root_b]:
            root_a, root_b = root_b, root_a
        self._parent[root_b] = root_a
        self._size[root_a] += self._size[root_b]
        return root_a, root_b

    def reset(self, roots: NDArray[np.int64]) -> None:
        """Replace every set at once: item i joins root roots[i] (roots point to themselves)."""
        self._parent = roots.tolist()
        self._size = np.bincount(roots, minlength=len(roots)).tolist()


def component_roots(n: int, a: NDArray[np.int64], b: NDArray[np.int64]) -> NDArray[np.int64]:
    """For each of n items, the smallest item of its connected component."""
    graph = igraph.Graph(n=n, edges=np.stack([a, b], axis=1).tolist() if len(a) else [])
    membership = np.asarray(graph.connected_components().membership, dtype=np.int64)
    first = np.full(int(membership.max(initial=-1)) + 1, n, dtype=np.int64)
    np.minimum.at(first, membership, np.arange(n, dtype=np.int64))
    return first[membership]
