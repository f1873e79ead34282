"""The rule that sets aside identifiers, images and templates spread over unrelated ads.

A group of evidence is set aside when the number of distinct other identifiers (phones,
emails, handles) that co-occur with it in its ads reaches max(MIN_SPREAD, SPREAD_FACTOR x
the corpus norm), the norm being the 90th percentile of that number over identifiers shared
by two or more ads. Ad count alone is not used: a spammer's phone in 5,000 ads that name no
other identifier has a spread near zero, while a site's own number printed in ads of 300
unrelated networks co-occurs with their 300+ phones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from threadline.link._groups import Groups

MIN_SPREAD = 20
SPREAD_FACTOR = 8.0
NORM_QUANTILE = 90
_NORM_GROWTH = 1.01  # the norm is recomputed when the corpus has grown by 1%


@dataclass
class SpreadRule:
    """The threshold in force and the groups it sets aside, per kind of evidence."""

    floor: int = MIN_SPREAD
    factor: float = SPREAD_FACTOR
    norm: float = 0.0
    threshold: int = MIN_SPREAD
    set_aside: dict[str, set[int]] = field(default_factory=dict)
    _norm_size: int = 0

    def is_set_aside(self, groups: Groups, root: int) -> bool:
        """Whether a group (given by its root) is set aside."""
        return root in self.set_aside.get(groups.kind, ())

    def refresh(
        self, groups: Sequence[Groups], size: int, merged: Sequence[tuple[str, int]]
    ) -> bool:
        """Re-apply the rule; True when links made earlier may no longer hold (rebuild).

        `merged` names the groups (kind, item) that absorbed another group in this batch.
        """
        if size >= self._norm_size * _NORM_GROWTH + 1:
            self._recompute_norm(groups[0], size)
        before = {g.kind: {g.root(r) for r in self.set_aside.get(g.kind, ())} for g in groups}
        self.set_aside = {g.kind: self._over(g) for g in groups}
        if before != self.set_aside:
            return True
        by_kind = {g.kind: g for g in groups}
        return any(by_kind[kind].root(item) in self.set_aside[kind] for kind, item in merged)

    def _over(self, groups: Groups) -> set[int]:
        return {root for root in groups.wide if groups.spread(root) >= self.threshold}

    def _recompute_norm(self, identifiers: Groups, size: int) -> None:
        spreads = [identifiers.spread(root) for root in identifiers.linked_roots()]
        self.norm = float(np.percentile(spreads, NORM_QUANTILE)) if spreads else 0.0
        self.threshold = max(self.floor, math.ceil(self.factor * self.norm))
        self._norm_size = size
