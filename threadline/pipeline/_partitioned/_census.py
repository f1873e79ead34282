"""The spread rule across partitions: every group's ads and co-occurring identifiers, by shard.

A group is an identifier (`phone:…`), a template (`template:<label>`) or an image group
(`image:<label>`). Each partition tallies its groups; the shard owning a group adds the
tallies of all partitions up. The driver takes the identifiers' spreads for the corpus norm
and threshold, as `SpreadRule` does over the whole state; each shard then tells every
partition, for the groups it sent, which are linked, set aside, or seen in other partitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from threadline.link._groups import SPREAD_CAP
from threadline.pipeline._partitioned import _sizes
from threadline.pipeline._partitioned._components import Labelled
from threadline.pipeline._partitioned._prepare import Part
from threadline.pipeline._partitioned._routing import text_shard

TEMPLATE = "template:"
IMAGE = "image:"
LINKED, SET_ASIDE, BOUNDARY = 1, 2, 4  # flags of a group, as a shard answers them
Tally = dict[str, tuple[int, frozenset[str]]]  # group -> (ads, co-occurring identifiers)


def group_keys(
    part: Part, templates: Labelled, sent: Sequence[list[str]], labels: Sequence[list[str]]
) -> list[tuple[str, ...]]:
    """Each ad's groups: its identifiers, its template (when shared), its image groups.

    `sent` are the hashes the partition sent to each image shard, `labels` their groups.
    """
    image_group = {
        text: label
        for texts, found in zip(sent, labels, strict=True)
        for text, label in zip(texts, found, strict=True)
    }
    template = dict.fromkeys(part.indexed.tolist(), "")
    for position, label, size in zip(
        part.indexed.tolist(), templates.labels, templates.sizes.tolist(), strict=True
    ):
        if size > 1:
            template[position] = TEMPLATE + label
    return [
        (
            *part.labels[i],
            *((template[i],) if template.get(i) else ()),
            *dict.fromkeys(IMAGE + image_group[text] for text in part.images[i]),
        )
        for i in range(len(part))
    ]


def tally(part: Part, keys: Sequence[tuple[str, ...]], count: int) -> list[Tally]:
    """The partition's groups with their ads and co-occurring identifiers, split by shard."""
    ads: dict[str, int] = {}
    co: dict[str, set[str]] = {}
    for labels, groups in zip(part.labels, keys, strict=True):
        for group in groups:
            ads[group] = ads.get(group, 0) + 1
            co.setdefault(group, set()).update(labels)
    shards: list[Tally] = [{} for _ in range(count)]
    for group, number in ads.items():
        others = co[group] - {group}  # an identifier does not co-occur with itself
        shards[text_shard(group, count)][group] = (number, frozenset(others))
    return shards


@dataclass
class CensusShard:
    """A shard's groups summed over partitions, and which groups each partition sent."""

    ads: dict[str, int] = field(default_factory=dict)
    partitions: dict[str, int] = field(default_factory=dict)
    co: dict[str, set[str]] = field(default_factory=dict)
    asked: list[list[str]] = field(default_factory=list)

    def __sizeof__(self) -> int:
        groups = _sizes.texts(self.ads) + _sizes.items(self.ads, self.partitions)
        return groups + _sizes.items(*self.co.values(), *self.asked)

    def spread(self, group: str) -> int:
        """Distinct identifiers co-occurring with a group in two or more ads (else 0)."""
        return len(self.co[group]) if self.ads[group] > 1 else 0


def merged(pieces: Sequence[Tally]) -> CensusShard:
    """The tallies of every partition for one shard, added up."""
    shard = CensusShard()
    for piece in pieces:
        shard.asked.append(list(piece))
        for group, (number, others) in piece.items():
            shard.ads[group] = shard.ads.get(group, 0) + number
            shard.partitions[group] = shard.partitions.get(group, 0) + 1
            co = shard.co.setdefault(group, set())
            if len(co) < SPREAD_CAP:  # as `Groups` stops counting: far past any threshold
                co.update(others)
    return shard


def identifier_spreads(shard: CensusShard) -> NDArray[np.int64]:
    """Spreads of the identifiers shared by two or more ads: what the corpus norm is of."""
    found = [
        shard.spread(group)
        for group, number in shard.ads.items()
        if number > 1 and not group.startswith((TEMPLATE, IMAGE))
    ]
    return np.asarray(found, np.int64)


def flags(shard: CensusShard, threshold: int) -> dict[str, int]:
    """Linked groups with their flags (a group not named is not linked)."""
    found: dict[str, int] = {}
    for group, number in shard.ads.items():
        if number > 1:
            found[group] = (
                LINKED
                | (SET_ASIDE if shard.spread(group) >= threshold else 0)
                | (BOUNDARY if shard.partitions[group] > 1 else 0)
            )
    return found


def answers(shard: CensusShard, threshold: int) -> list[dict[str, int]]:
    """For each partition, the flags of the linked groups it sent."""
    found = flags(shard, threshold)
    return [{g: found[g] for g in asked if g in found} for asked in shard.asked]


def set_aside(shard: CensusShard, threshold: int) -> int:
    """How many of the shard's groups the rule sets aside."""
    return sum(1 for value in flags(shard, threshold).values() if value & SET_ASIDE)
