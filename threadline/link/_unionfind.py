"""Disjoint sets that grow, and connected components of an edge list."""

from __future__ import annotations

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
    """For each of n items, the smallest item of its connected component (edges a[i]-b[i]).

    Vectorized hooking and pointer jumping: every edge hooks the larger of its two roots
    under the smaller, then paths are halved until each item points at its root; a few
    rounds suffice for the star-shaped groups linking produces.
    """
    parent = np.arange(n, dtype=np.int64)
    while True:
        low, high = np.minimum(parent[a], parent[b]), np.maximum(parent[a], parent[b])
        moved = low != high
        if not moved.any():
            return parent
        np.minimum.at(parent, high[moved], low[moved])
        parent = _flatten(parent)


def _flatten(parent: NDArray[np.int64]) -> NDArray[np.int64]:
    while True:
        grand = parent[parent]
        if np.array_equal(grand, parent):
            return parent
        parent = grand
