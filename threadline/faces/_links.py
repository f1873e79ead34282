"""Same face across ads: ads whose photos show one face, as a separately labelled link.

Ad faces within `max_distance` of each other are joined (single linkage), and a group whose
faces lie in two or more images links the ads that use them. The default distance is the
`strong` band's edge, stricter than the gallery threshold, because chains of weak pairs can
join two different people. Like a gallery candidate, a face link is a lead to review.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from threadline.faces._index import FaceIndex
from threadline.faces._match import BANDS, from_bytes, stack
from threadline.faces._model import FaceModel
from threadline.model import LinkKind, Via
from threadline.store import Database
from threadline.store.faces import EncodingRow, ad_face_encodings, ads_for_images

NEIGHBOURS = 20  # faces compared per face; a face seen in more images than this still chains


@dataclass(frozen=True, slots=True)
class FaceLink:
    """Ads whose photos show what may be one person's face, and how close the faces are."""

    via: Via  # kind FACE, value `face:<id of the group's first ad face>`
    ad_ids: tuple[int, ...]
    images: tuple[str, ...]
    face_ids: tuple[int, ...]
    max_distance: float  # the largest distance among the pairs that joined the group


def face_links(
    database: Database, model: FaceModel, max_distance: float = BANDS[0][0]
) -> list[FaceLink]:
    """Groups of ads linked by the same face in different photos, largest first."""
    with database.transaction() as connection:
        rows = ad_face_encodings(connection, model.version)
    groups = _groups(rows, max_distance)
    images = {str(rows[i].owner) for members, _ in groups for i in members}
    with database.transaction() as connection:
        ads = ads_for_images(connection, images)
    links = [_link(rows, members, worst, ads) for members, worst in groups]
    found = [link for link in links if len(link.ad_ids) > 1]
    return sorted(found, key=lambda link: (-len(link.ad_ids), link.via.value))


def _groups(rows: list[EncodingRow], max_distance: float) -> list[tuple[list[int], float]]:
    """Groups of row positions joined by near pairs in different images, with their widest pair."""
    vectors = stack([from_bytes(r.embedding) for r in rows])
    found = FaceIndex(vectors, np.arange(len(rows))).search(vectors, NEIGHBOURS)
    pairs = [
        (i, hit.id, hit.distance)
        for i, hits in enumerate(found)
        for hit in hits
        if hit.distance <= max_distance and rows[i].owner != rows[hit.id].owner
    ]
    parent = list(range(len(rows)))
    for a, b, _ in pairs:
        _union(parent, a, b)
    widest: dict[int, float] = {}
    for a, _, distance in pairs:
        root = _find(parent, a)
        widest[root] = max(widest.get(root, 0.0), distance)
    members: dict[int, list[int]] = {}
    for i in range(len(rows)):
        members.setdefault(_find(parent, i), []).append(i)
    return [(m, widest[root]) for root, m in members.items() if root in widest]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]  # path halving keeps later finds short
        i = parent[i]
    return i


def _union(parent: list[int], a: int, b: int) -> None:
    low, high = sorted((_find(parent, a), _find(parent, b)))
    parent[high] = low


def _link(
    rows: list[EncodingRow], members: list[int], worst: float, ads: dict[str, tuple[int, ...]]
) -> FaceLink:
    faces = sorted(rows[i].id for i in members)
    images = sorted({str(rows[i].owner) for i in members})
    ad_ids = sorted({a for image in images for a in ads.get(image, ())})
    return FaceLink(
        Via(LinkKind.FACE, f"face:{faces[0]}"),
        tuple(ad_ids),
        tuple(images),
        tuple(faces),
        round(worst, 6),
    )
