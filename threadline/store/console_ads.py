"""Console rows of ads: result-list rows, the ad page, texts as linking evidence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    func,
    select,
)

from threadline.errors import NotFoundError
from threadline.model import AdEvidence
from threadline.store.tables import (
    ad_identifiers,
    ad_images,
    ad_risk,
    ads,
    findings,
    identifiers,
    memberships,
    networks,
)

SNIPPET = 240


@dataclass(frozen=True, slots=True)
class AdRow:
    """One ad as result lists show it."""

    id: int
    title: str
    snippet: str
    site: str | None
    city: str | None
    region: str | None
    posted_at: datetime | None
    score: float | None
    level: str | None
    juvenile: bool
    network: str | None


@dataclass(frozen=True, slots=True)
class FindingRow:
    """A finding as the ad page explains it."""

    kind: str
    value: str
    start: int
    end: int
    text: str
    source: str
    attrs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AdDetail:
    """Everything the ad page shows."""

    row: Any
    text: str
    findings: tuple[FindingRow, ...]
    identifiers: tuple[tuple[str, str, str], ...]  # (kind, value, text written)
    images: tuple[Any, ...]
    risk: Any
    network: str | None
    via: tuple[str, ...]
    network_size: int


def ad_rows(connection: Connection, ids: Sequence[int]) -> list[AdRow]:
    """Result-list rows of these ads, in the order given."""
    if not ids:
        return []
    statement = (
        select(
            ads.c.id,
            ads.c.title,
            func.substr(ads.c.body, 1, SNIPPET).label("snippet"),
            ads.c.site,
            ads.c.city,
            ads.c.region,
            ads.c.posted_at,
            ad_risk.c.score,
            ad_risk.c.level,
            ad_risk.c.juvenile,
            memberships.c.network_id,
        )
        .outerjoin(ad_risk, ad_risk.c.ad_id == ads.c.id)
        .outerjoin(memberships, memberships.c.ad_id == ads.c.id)
        .where(ads.c.id.in_(list(ids)))
    )
    by_id = {int(r.id): _ad_row(r) for r in connection.execute(statement)}
    return [by_id[i] for i in ids if i in by_id]


def _ad_row(r: Any) -> AdRow:
    return AdRow(
        id=int(r.id),
        title=str(r.title),
        snippet=str(r.snippet or ""),
        site=r.site,
        city=r.city,
        region=r.region,
        posted_at=aware(r.posted_at),
        score=None if r.score is None else float(r.score),
        level=r.level,
        juvenile=bool(r.juvenile),
        network=r.network_id,
    )


def aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def ad_detail(connection: Connection, ad_id: int) -> AdDetail:
    """An ad with its findings, identifiers, images, risk and network."""
    row = connection.execute(select(ads).where(ads.c.id == ad_id)).first()
    if row is None:
        raise NotFoundError(f"no ad {ad_id}")
    member = connection.execute(select(memberships).where(memberships.c.ad_id == ad_id)).first()
    network = member.network_id if member else None
    return AdDetail(
        row=row,
        text=f"{row.title}\n{row.body}" if row.title and row.body else row.title or row.body,
        findings=tuple(_findings(connection, ad_id)),
        identifiers=tuple(_identifiers(connection, ad_id)),
        images=tuple(
            connection.execute(
                select(ad_images).where(ad_images.c.ad_id == ad_id).order_by(ad_images.c.position)
            )
        ),
        risk=connection.execute(select(ad_risk).where(ad_risk.c.ad_id == ad_id)).first(),
        network=network,
        via=tuple(member.via) if member else (),
        network_size=_network_size(connection, network),
    )


def _findings(connection: Connection, ad_id: int) -> Iterable[FindingRow]:
    query = (
        select(findings)
        .where(findings.c.ad_id == ad_id)
        .order_by(findings.c.start, findings.c.end, findings.c.id)
    )
    for f in connection.execute(query):
        yield FindingRow(f.kind, f.value, f.start, f.end, f.text, f.source, dict(f.attrs or {}))


def _identifiers(connection: Connection, ad_id: int) -> Iterable[tuple[str, str, str]]:
    query = (
        select(identifiers.c.kind, identifiers.c.value, ad_identifiers.c.text)
        .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
        .where(ad_identifiers.c.ad_id == ad_id)
        .order_by(ad_identifiers.c.start)
    )
    for kind, value, written in connection.execute(query):
        yield str(kind), str(value), str(written)


def _network_size(connection: Connection, network: str | None) -> int:
    if network is None:
        return 0
    size = connection.execute(select(networks.c.size).where(networks.c.id == network)).scalar()
    return int(size or 1)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ad_evidence(connection: Connection, ids: list[int]) -> list[AdEvidence]:
    query = (
        select(ads.c.id, ads.c.title, ads.c.body, ads.c.city, ads.c.region, ads.c.posted_at)
        .where(ads.c.id.in_(ids))
        .order_by(ads.c.id)
    )
    return [
        AdEvidence(
            ad_id=str(r.id),
            text=f"{r.title}\n{r.body}" if r.title and r.body else r.title or r.body,
            city=r.city,
            region=r.region,
            posted_at=aware(r.posted_at),
        )
        for r in connection.execute(query)
    ]
