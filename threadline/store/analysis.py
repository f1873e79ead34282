"""Analysis results: identifiers with their evidence, findings, risk, networks."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import Connection, delete, func, or_, select, tuple_, update

from threadline.model import AdEvidence, Extraction
from threadline.store._bulk import insert_rows
from threadline.store._upsert import insert_ignoring_conflicts
from threadline.store.keyed import keyed_hash
from threadline.store.tables import (
    ad_identifiers,
    ad_images,
    ad_risk,
    ads,
    findings,
    identifiers,
    images,
    memberships,
    networks,
    sources,
)

IDENTIFIER_KINDS = frozenset({"phone", "email", "handle", "url"})


@dataclass(frozen=True, slots=True)
class AnalyzedAd:
    """One ad's extraction, tied to the stored row and the content it was computed from."""

    row_id: int
    content_hash: str
    extraction: Extraction


@dataclass(frozen=True, slots=True)
class NetworkRecord:
    """A network as stored: summary figures and its members with their `via`."""

    id: str
    size: int
    first_seen: datetime | None
    last_seen: datetime | None
    risk_max: float
    juvenile: bool
    summary: dict[str, Any]
    members: tuple[tuple[int, tuple[str, ...]], ...]  # (ad row id, via labels)


@dataclass(frozen=True, slots=True)
class CorpusCounts:
    """Headline figures for the home page."""

    ads: int
    sources: int
    identifiers: int
    networks: int
    high_risk: int
    juvenile: int
    top_networks: list[Any] = field(default_factory=list)


def save_extractions(connection: Connection, batch: Sequence[AnalyzedAd], key: bytes) -> None:
    """Replace the stored findings, identifiers and risk of every ad in the batch."""
    row_ids = [item.row_id for item in batch]
    for table in (ad_identifiers, findings, ad_risk):
        connection.execute(delete(table).where(table.c.ad_id.in_(row_ids)))
    _save_identifiers(connection, batch, key)
    insert_rows(connection, findings, [r for item in batch for r in _finding_rows(item)])
    analyzed = {"analyzed_at": datetime.now(UTC)}
    insert_rows(connection, ad_risk, [_risk_row(item) for item in batch], analyzed)


def unanalyzed_row_ids(connection: Connection) -> list[int]:
    """Ads never analyzed, or changed since their analysis."""
    query = (
        select(ads.c.id)
        .outerjoin(ad_risk, ad_risk.c.ad_id == ads.c.id)
        .where(or_(ad_risk.c.ad_id.is_(None), ad_risk.c.content_hash != ads.c.content_hash))
        .order_by(ads.c.id)
    )
    return [int(row_id) for row_id in connection.execute(query).scalars()]


def images_without_phash(connection: Connection) -> list[str]:
    """SHA-256 of every stored image not yet perceptually hashed."""
    query = select(images.c.sha256).where(images.c.phash.is_(None)).order_by(images.c.sha256)
    return [str(digest) for digest in connection.execute(query).scalars()]


def set_phashes(connection: Connection, phashes: dict[str, str]) -> None:
    """Record perceptual hashes; an empty string marks an image that could not be hashed."""
    for digest, phash in phashes.items():
        connection.execute(update(images).where(images.c.sha256 == digest).values(phash=phash))


def iter_ad_evidence(
    connection: Connection, chunk: int = 2000, after: int = 0, upto: int | None = None
) -> Iterator[AdEvidence]:
    """What linking needs of every stored ad (with a row id above `after`, up to `upto`), in
    row order; ad ids are row ids as text."""
    last = after
    bound = [] if upto is None else [ads.c.id <= upto]
    while True:
        rows = connection.execute(
            select(
                ads.c.id,
                ads.c.title,
                ads.c.body,
                ads.c.city,
                ads.c.region,
                ads.c.posted_at,
                ad_risk.c.score,
                ad_risk.c.juvenile,
            )
            .outerjoin(ad_risk, ad_risk.c.ad_id == ads.c.id)
            .where(ads.c.id > last, *bound)
            .order_by(ads.c.id)
            .limit(chunk)
        ).all()
        if not rows:
            return
        row_ids = [int(row.id) for row in rows]
        found, hashes = _identifiers_of(connection, row_ids), _phashes_of(connection, row_ids)
        for row in rows:
            yield _evidence(row, found.get(int(row.id), ()), hashes.get(int(row.id), ()))
        last = row_ids[-1]


def partition_starts(connection: Connection, size: int) -> list[int]:
    """The first row id of each run of `size` ads in row order: partitions of equal count."""
    numbered = select(
        ads.c.id.label("id"), func.row_number().over(order_by=ads.c.id).label("n")
    ).subquery()
    query = select(numbered.c.id).where((numbered.c.n - 1) % size == 0).order_by(numbered.c.id)
    return [int(row_id) for row_id in connection.execute(query).scalars()]


def replace_networks(connection: Connection, records: Iterable[NetworkRecord]) -> int:
    """Store a fresh set of networks and memberships in place of the old; returns the count."""
    connection.execute(delete(memberships))
    connection.execute(delete(networks))
    now, count = datetime.now(UTC), 0
    for chunk in _batches(records, 1000):
        insert_rows(connection, networks, [_network_row(r) for r in chunk], {"updated_at": now})
        member_rows = [
            {"ad_id": ad_id, "network_id": r.id, "via": list(via)}
            for r in chunk
            for ad_id, via in r.members
        ]
        insert_rows(connection, memberships, member_rows)
        count += len(chunk)
    return count


def corpus_counts(connection: Connection, top: int = 10) -> CorpusCounts:
    """Counts of ads, sources, identifiers, networks and flags, and the riskiest networks."""

    def count(table: Any, *where: Any) -> int:
        return int(
            connection.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
        )

    top_rows = connection.execute(
        select(networks)
        .where(networks.c.size > 1)
        .order_by(networks.c.juvenile.desc(), networks.c.risk_max.desc(), networks.c.size.desc())
        .limit(top)
    ).all()
    return CorpusCounts(
        ads=count(ads),
        sources=count(sources),
        identifiers=count(identifiers),
        networks=count(networks, networks.c.size > 1),
        high_risk=count(ad_risk, ad_risk.c.level == "high"),
        juvenile=count(ad_risk, ad_risk.c.juvenile.is_(True)),
        top_networks=list(top_rows),
    )


def _save_identifiers(connection: Connection, batch: Sequence[AnalyzedAd], key: bytes) -> None:
    found = [
        (item.row_id, f)
        for item in batch
        for f in item.extraction.findings
        if f.kind in IDENTIFIER_KINDS
    ]
    pairs = {(f.kind, f.value) for _, f in found}
    insert_ignoring_conflicts(
        connection,
        identifiers,
        [{"kind": k, "value": v, "keyed_hash": keyed_hash(key, k, v)} for k, v in sorted(pairs)],
    )
    ids = _identifier_ids(connection, pairs)
    rows = {
        (row_id, ids[(f.kind, f.value)], f.start): {
            "ad_id": row_id,
            "identifier_id": ids[(f.kind, f.value)],
            "start": f.start,
            "end": f.end,
            "text": f.text,
            "source": f.source,
        }
        for row_id, f in found
    }
    insert_rows(connection, ad_identifiers, list(rows.values()))


def _identifier_ids(
    connection: Connection, pairs: set[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    for chunk in _batches(sorted(pairs), 500):
        query = select(identifiers.c.kind, identifiers.c.value, identifiers.c.id).where(
            tuple_(identifiers.c.kind, identifiers.c.value).in_(chunk)
        )
        ids.update({(k, v): int(i) for k, v, i in connection.execute(query)})
    return ids


def _finding_rows(item: AnalyzedAd) -> list[dict[str, Any]]:
    return [
        {
            "ad_id": item.row_id,
            "kind": f.kind,
            "value": f.value[:512],
            "start": f.start,
            "end": f.end,
            "text": f.text,
            "source": f.source,
            "attrs": dict(f.attrs),
        }
        for f in item.extraction.findings
    ]


def _risk_row(item: AnalyzedAd) -> dict[str, Any]:
    risk = item.extraction.risk
    return {
        "ad_id": item.row_id,
        "score": risk.score,
        "level": risk.level,
        "juvenile": risk.juvenile,
        "reasons": {
            "risk": [[r.code, r.weight, r.evidence] for r in risk.reasons],
            "juvenile": [[r.code, r.weight, r.evidence] for r in risk.juvenile_reasons],
        },
        "content_hash": item.content_hash,
    }


def _network_row(record: NetworkRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "size": record.size,
        "first_seen": record.first_seen,
        "last_seen": record.last_seen,
        "risk_max": record.risk_max,
        "juvenile": record.juvenile,
        "summary": record.summary,
    }


def _identifiers_of(connection: Connection, row_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    query = (
        select(ad_identifiers.c.ad_id, identifiers.c.kind, identifiers.c.value)
        .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
        .where(ad_identifiers.c.ad_id.in_(row_ids))
        .order_by(
            ad_identifiers.c.ad_id, ad_identifiers.c.start, identifiers.c.kind, identifiers.c.value
        )
    )
    found: dict[int, list[tuple[str, str]]] = {}
    for ad_id, kind, value in connection.execute(query):
        pairs = found.setdefault(int(ad_id), [])
        if (kind, value) not in pairs:
            pairs.append((kind, value))
    return found


def _phashes_of(connection: Connection, row_ids: list[int]) -> dict[int, list[str]]:
    query = (
        select(ad_images.c.ad_id, images.c.phash)
        .join(images, images.c.sha256 == ad_images.c.sha256)
        .where(ad_images.c.ad_id.in_(row_ids), images.c.phash.is_not(None), images.c.phash != "")
        .order_by(ad_images.c.ad_id, ad_images.c.position)
    )
    found: dict[int, list[str]] = {}
    for ad_id, phash in connection.execute(query):
        found.setdefault(int(ad_id), []).append(str(phash))
    return found


def _evidence(row: Any, found: Sequence[tuple[str, str]], hashes: Sequence[str]) -> AdEvidence:
    posted = row.posted_at
    if posted is not None and posted.tzinfo is None:
        posted = posted.replace(tzinfo=UTC)
    return AdEvidence(
        ad_id=str(row.id),
        text=f"{row.title}\n{row.body}" if row.title and row.body else row.title or row.body,
        identifiers=tuple(found),
        image_hashes=tuple(hashes),
        city=sys.intern(row.city) if row.city else row.city,  # a few hundred, in a million ads
        region=sys.intern(row.region) if row.region else row.region,
        posted_at=posted,
        risk_score=float(row.score or 0.0),
        juvenile=bool(row.juvenile),
    )


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
