"""Evidence of one kind (identifiers, images or templates) joined into groups of ads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from threadline.link._unionfind import UnionFind

SPREAD_CAP = 4096  # co-identifier sets stop growing here: far past any threshold


class Groups:
    """Items (an identifier, an image hash, an ad's text) in groups, with their ads and spread.

    The spread of a group is the number of distinct identifiers that co-occur with it in its
    ads (the group's own identifier excluded): the measure that tells a site's own number
    from a busy network's phone. Groups of one ad keep no set, to save memory at scale.
    """

    def __init__(self, kind: str, ad_keys: Sequence[tuple[int, ...]]) -> None:
        self.kind = kind
        self.floor = 1  # spread from which a group is kept in `wide`
        self.wide: set[int] = set()  # roots whose spread reached the floor (candidates)
        self._ad_keys = ad_keys  # identifier items of each ad, owned by the state
        self._uf = UnionFind()
        self._labels: list[str] = []
        self._first: list[int] = []  # per root: its first ad, or -1
        self._best: dict[int, str] = {}  # root -> smallest item label, when not its own
        self._rest: dict[int, list[int]] = {}  # root -> further ads, in order of arrival
        self._co: dict[int, set[int]] = {}  # root -> co-occurring identifier items

    def __len__(self) -> int:
        return len(self._labels)

    def add_item(self, label: str) -> int:
        """A new item in a group of its own."""
        item = self._uf.add()
        self._labels.append(label)
        self._first.append(-1)
        return item

    def root(self, item: int) -> int:
        """The group an item belongs to."""
        return self._uf.find(item)

    def label(self, root: int) -> str:
        """The smallest item label of a group (stable whatever the order of arrival)."""
        return self._best.get(root, self._labels[root])

    def first(self, root: int) -> int:
        """The group's first ad, or -1."""
        return self._first[root]

    def ads(self, root: int) -> list[int]:
        """Ads of a group in order of arrival (an ad may repeat for images)."""
        first = self._first[root]
        return [] if first < 0 else [first, *self._rest.get(root, ())]

    def spread(self, root: int) -> int:
        """Distinct identifiers co-occurring with the group, capped near SPREAD_CAP."""
        return len(self._co.get(root, ()))

    def linked(self, root: int) -> bool:
        """Whether at least two distinct ads share the group."""
        first = self._first[root]
        return any(ad != first for ad in self._rest.get(root, ()))

    def linked_roots(self) -> Iterator[int]:
        """Every group with more than one ad."""
        return iter(list(self._rest))

    def attach(self, item: int, ad: int) -> int | None:
        """Record that `ad` has `item`; returns an ad it now shares the group with, if any."""
        root = self._uf.find(item)
        first = self._first[root]
        if first < 0:
            self._first[root] = ad
            return None
        if first == ad:
            return None
        rest = self._rest.setdefault(root, [])
        if rest and rest[-1] == ad:
            return first
        rest.append(ad)
        if len(rest) == 1:
            self._seed_co(root, first)
        self._add_co(root, self._ad_keys[ad])
        return first

    def join(self, a: int, b: int) -> tuple[int, int] | None:
        """Merge the groups of two items; returns one ad from each side when both had ads."""
        merged = self._uf.union(a, b)
        if merged is None:
            return None
        kept, absorbed = merged
        ends = (self._first[kept], self._first[absorbed])
        self._merge(kept, absorbed)
        return (ends[0], ends[1]) if min(ends) >= 0 else None

    def _merge(self, kept: int, absorbed: int) -> None:
        best = min(self.label(kept), self.label(absorbed))
        self._best.pop(absorbed, None)
        if best != self._labels[kept]:
            self._best[kept] = best
        moving = self.ads(absorbed)
        self._rest.pop(absorbed, None)
        self._first[absorbed] = -1
        co = self._co.pop(absorbed, set())
        self.wide.discard(absorbed)
        if self._first[kept] < 0 and moving:
            self._first[kept] = moving.pop(0)
        if moving:
            if kept not in self._rest:
                self._seed_co(kept, self._first[kept])
            self._rest.setdefault(kept, []).extend(moving)
            self._add_co(kept, co if co else self._ad_keys[moving[0]])

    def _seed_co(self, root: int, ad: int) -> None:
        self._co[root] = set()
        self._add_co(root, self._ad_keys[ad])

    def _add_co(self, root: int, items: set[int] | tuple[int, ...]) -> None:
        co = self._co.setdefault(root, set())
        if len(co) < SPREAD_CAP:
            co.update(items)
            if self.kind == "identifier":
                co.discard(root)  # an identifier does not co-occur with itself
        if len(co) >= self.floor:
            self.wide.add(root)
