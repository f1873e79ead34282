"""What the exports read: ads with their identifiers, risk and network, from the store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from threadline.model import Ad
from threadline.store.ads import get_ads
from threadline.store.tables import (
    ad_identifiers,
    ad_risk,
    ads,
    findings,
    identifiers,
    memberships,
    networks,
)

_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class ExportAd:
    """One stored ad with what analysis found about it."""

    row_id: int
    source: str
    ad: Ad
    identifiers: tuple[tuple[str, str], ...]  # (kind, value), in order of first appearance
    indicators: tuple[tuple[str, int, int, str], ...]  # (code, start, end, text)
    score: float
    level: str
    juvenile: bool
    network: str | None
    via: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NetworkRow:
    """A stored network: its size, flags and the summary linking wrote."""

    id: str
    size: int
    risk_max: float
    juvenile: bool
    summary: dict[str, Any]


def ad_row_ids(
    connection: Connection, network_ids: Sequence[str] = (), min_size: int = 1
) -> list[int]:
    """Row ids of the ads to export: the named networks' ads, or every ad (in networks of
    at least `min_size` ads when it is above 1)."""
    if network_ids:
        query = select(memberships.c.ad_id).where(memberships.c.network_id.in_(list(network_ids)))
    elif min_size > 1:
        query = (
            select(memberships.c.ad_id)
            .join(networks, networks.c.id == memberships.c.network_id)
            .where(networks.c.size >= min_size)
        )
    else:
        query = select(ads.c.id)
    return sorted(int(row_id) for row_id in connection.execute(query).scalars())


def load_ads(connection: Connection, row_ids: Sequence[int]) -> Iterator[ExportAd]:
    """The ads with these row ids, with identifiers, indicators, risk and network."""
    for start in range(0, len(row_ids), _CHUNK):
        chunk = list(row_ids[start : start + _CHUNK])
        found = _identifiers(connection, chunk)
        marks = _indicators(connection, chunk)
        risk = _risk(connection, chunk)
        member = _members(connection, chunk)
        for stored in get_ads(connection, chunk):
            score, level, juvenile = risk.get(stored.row_id, (0.0, "low", False))
            network, via = member.get(stored.row_id, (None, ()))
            yield ExportAd(
                row_id=stored.row_id,
                source=stored.source,
                ad=stored.ad,
                identifiers=tuple(found.get(stored.row_id, ())),
                indicators=tuple(marks.get(stored.row_id, ())),
                score=score,
                level=level,
                juvenile=juvenile,
                network=network,
                via=via,
            )


def load_networks(connection: Connection, ids: Sequence[str]) -> list[NetworkRow]:
    """The stored networks with these ids, in id order."""
    rows = connection.execute(
        select(networks).where(networks.c.id.in_(list(ids))).order_by(networks.c.id)
    )
    return [
        NetworkRow(r.id, int(r.size), float(r.risk_max), bool(r.juvenile), dict(r.summary))
        for r in rows
    ]


def _identifiers(connection: Connection, chunk: list[int]) -> dict[int, list[tuple[str, str]]]:
    query = (
        select(ad_identifiers.c.ad_id, identifiers.c.kind, identifiers.c.value)
        .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
        .where(ad_identifiers.c.ad_id.in_(chunk))
        .order_by(ad_identifiers.c.ad_id, ad_identifiers.c.start)
    )
    found: dict[int, list[tuple[str, str]]] = {}
    for ad_id, kind, value in connection.execute(query):
        pairs = found.setdefault(int(ad_id), [])
        if (kind, value) not in pairs:
            pairs.append((kind, value))
    return found


def _indicators(
    connection: Connection, chunk: list[int]
) -> dict[int, list[tuple[str, int, int, str]]]:
    query = (
        select(
            findings.c.ad_id, findings.c.value, findings.c.start, findings.c.end, findings.c.text
        )
        .where(findings.c.ad_id.in_(chunk), findings.c.kind.like("indicator:%"))
        .order_by(findings.c.ad_id, findings.c.start)
    )
    found: dict[int, list[tuple[str, int, int, str]]] = {}
    for ad_id, code, start, end, text in connection.execute(query):
        found.setdefault(int(ad_id), []).append((code, int(start), int(end), text))
    return found


def _risk(connection: Connection, chunk: list[int]) -> dict[int, tuple[float, str, bool]]:
    query = select(ad_risk.c.ad_id, ad_risk.c.score, ad_risk.c.level, ad_risk.c.juvenile).where(
        ad_risk.c.ad_id.in_(chunk)
    )
    return {
        int(r.ad_id): (float(r.score), r.level, bool(r.juvenile)) for r in connection.execute(query)
    }


def _members(connection: Connection, chunk: list[int]) -> dict[int, tuple[str, tuple[str, ...]]]:
    query = select(memberships).where(memberships.c.ad_id.in_(chunk))
    return {int(r.ad_id): (r.network_id, tuple(r.via)) for r in connection.execute(query)}
