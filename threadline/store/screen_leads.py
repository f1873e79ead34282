"""The tip queue as investigators work it: leads by priority, a lead's reports, assignment
and decisions (each audited in the transaction that makes it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, select, tuple_, update

from threadline.errors import InputError, NotFoundError
from threadline.store.audit import AuditEvent, append_audit
from threadline.store.tables import ad_identifiers, ads, identifiers, memberships
from threadline.store.tables_screen import leads, screen_platforms, tips

DECISIONS = ("reviewed", "escalated", "dismissed")
STATUSES = ("new", *DECISIONS)
# "open" is the working view: leads nobody has closed (new or escalated to a supervisor).
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "open": ("new", "escalated"),
    "all": STATUSES,
} | {status: (status,) for status in STATUSES}
# A new report on a lead someone closed puts it back in the queue: new facts need new eyes.
REOPENED_BY_A_TIP = frozenset({"reviewed", "dismissed"})


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """Which leads the queue shows: a status filter name, a platform, the juvenile flag."""

    status: str = "open"
    platform_id: int | None = None
    juvenile: bool | None = None


@dataclass(frozen=True, slots=True)
class QueuedLead:
    """One row of the tip queue."""

    id: int
    status: str
    juvenile: bool
    score: float
    tips: int
    platforms: tuple[str, ...]
    assigned_to: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class LeadTip:
    """One platform report of a lead, its account still sealed."""

    id: int
    platform: str
    ad_id: int
    ad_ext_id: str
    ad_title: str
    ad_body: str
    network: str | None
    received_at: datetime
    reason: str
    account_enc: str
    juvenile: bool
    score: float
    decision: str


@dataclass(frozen=True, slots=True)
class LeadRecord:
    """A lead with its assignment, last decision and reports (oldest first)."""

    id: int
    status: str
    juvenile: bool
    score: float
    created_at: datetime
    updated_at: datetime
    assigned_to: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    tips: tuple[LeadTip, ...]


def lead_queue(connection: Connection, wanted: LeadFilter, limit: int = 100) -> list[QueuedLead]:
    """Leads matching the filter by priority: juvenile flags first, then score, then the
    latest report."""
    statuses = STATUS_FILTERS.get(wanted.status)
    if statuses is None:
        raise InputError(f"status must be one of {', '.join(STATUS_FILTERS)}")
    query = _filtered(select(leads), wanted, statuses)
    query = query.order_by(
        leads.c.juvenile.desc(), leads.c.score.desc(), leads.c.updated_at.desc(), leads.c.id
    )
    rows = list(connection.execute(query.limit(limit)))
    names = _platform_names(connection, [int(r.id) for r in rows])
    return [
        QueuedLead(
            id=int(r.id),
            status=r.status,
            juvenile=bool(r.juvenile),
            score=float(r.score),
            tips=int(r.tips),
            platforms=names.get(int(r.id), ()),
            assigned_to=r.assigned_to,
            updated_at=r.updated_at,
        )
        for r in rows
    ]


def _filtered(query: Select[Any], wanted: LeadFilter, statuses: Sequence[str]) -> Select[Any]:
    query = query.where(leads.c.status.in_(list(statuses)))
    if wanted.juvenile is not None:
        query = query.where(leads.c.juvenile.is_(wanted.juvenile))
    if wanted.platform_id is not None:
        reported = select(tips.c.lead_id).where(tips.c.platform_id == wanted.platform_id)
        query = query.where(leads.c.id.in_(reported))
    return query


def _platform_names(connection: Connection, lead_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The platforms that reported each lead, by name."""
    if not lead_ids:
        return {}
    rows = connection.execute(
        select(tips.c.lead_id, screen_platforms.c.name)
        .join(screen_platforms, screen_platforms.c.id == tips.c.platform_id)
        .where(tips.c.lead_id.in_(lead_ids))
        .distinct()
        .order_by(tips.c.lead_id, screen_platforms.c.name)
    )
    found: dict[int, list[str]] = {}
    for lead_id, name in rows:
        found.setdefault(int(lead_id), []).append(str(name))
    return {lead_id: tuple(names) for lead_id, names in found.items()}


def lead_record(connection: Connection, lead_id: int) -> LeadRecord:
    """One lead with its reports, the reported ads and their networks."""
    row = connection.execute(select(leads).where(leads.c.id == lead_id)).first()
    if row is None:
        raise NotFoundError(f"no lead {lead_id}")
    return LeadRecord(
        id=int(row.id),
        status=row.status,
        juvenile=bool(row.juvenile),
        score=float(row.score),
        created_at=row.created_at,
        updated_at=row.updated_at,
        assigned_to=row.assigned_to,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_reason=row.decision_reason,
        tips=tuple(_lead_tips(connection, lead_id)),
    )


def _lead_tips(connection: Connection, lead_id: int) -> list[LeadTip]:
    query = (
        select(
            tips,
            screen_platforms.c.name.label("platform"),
            ads.c.ext_id,
            ads.c.title,
            ads.c.body,
            memberships.c.network_id,
        )
        .join(screen_platforms, screen_platforms.c.id == tips.c.platform_id)
        .join(ads, ads.c.id == tips.c.ad_id)
        .outerjoin(memberships, memberships.c.ad_id == tips.c.ad_id)
        .where(tips.c.lead_id == lead_id)
        .order_by(tips.c.id)
    )
    return [
        LeadTip(
            id=int(r.id),
            platform=r.platform,
            ad_id=int(r.ad_id),
            ad_ext_id=r.ext_id,
            ad_title=r.title or "",
            ad_body=r.body or "",
            network=r.network_id,
            received_at=r.received_at,
            reason=r.reason,
            account_enc=r.account_enc,
            juvenile=bool(r.juvenile),
            score=float(r.score),
            decision=r.decision,
        )
        for r in connection.execute(query)
    ]


def assign_lead(connection: Connection, lead_id: int, actor: str, now: datetime) -> None:
    """Make the actor the investigator working the lead (audited with the previous one)."""
    previous = _current(connection, lead_id).assigned_to
    connection.execute(update(leads).where(leads.c.id == lead_id).values(assigned_to=actor))
    detail = {"assigned_to": actor, "previous": previous}
    event = AuditEvent(actor, "lead.assign", "lead", str(lead_id), detail=detail)
    append_audit(connection, event, now)


def decide_lead(
    connection: Connection, lead_id: int, decision: str, reason: str, actor: str, now: datetime
) -> None:
    """Mark a lead reviewed, escalated or dismissed with a written reason (audited)."""
    reason = reason.strip()
    if decision not in DECISIONS:
        raise InputError(f"decision must be one of {', '.join(DECISIONS)}")
    if not reason:
        raise InputError("a decision on a lead needs a written reason")
    previous = _current(connection, lead_id).status
    connection.execute(
        update(leads)
        .where(leads.c.id == lead_id)
        .values(status=decision, decided_by=actor, decided_at=now, decision_reason=reason)
    )
    detail = {"decision": decision, "previous": previous, "reason": reason}
    event = AuditEvent(actor, f"lead.{decision}", "lead", str(lead_id), detail=detail)
    append_audit(connection, event, now)


def _current(connection: Connection, lead_id: int) -> Any:
    row = connection.execute(
        select(leads.c.status, leads.c.assigned_to).where(leads.c.id == lead_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no lead {lead_id}")
    return row


@dataclass(frozen=True, slots=True)
class LinkedAd:
    """A stored ad that shows one of a lead's identifiers."""

    id: int
    title: str
    city: str | None
    network: str | None
    via: tuple[str, ...]  # the shared identifiers, "kind:value"


def ads_sharing(
    connection: Connection,
    pairs: Sequence[tuple[str, str]],
    exclude: Sequence[int] = (),
    limit: int = 50,
) -> list[LinkedAd]:
    """Stored ads showing any of these (kind, value) identifiers, newest ad ids first."""
    if not pairs:
        return []
    query = (
        select(ads.c.id, ads.c.title, ads.c.city, memberships.c.network_id, identifiers.c.kind)
        .add_columns(identifiers.c.value)
        .join(ad_identifiers, ad_identifiers.c.ad_id == ads.c.id)
        .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
        .outerjoin(memberships, memberships.c.ad_id == ads.c.id)
        .where(tuple_(identifiers.c.kind, identifiers.c.value).in_(list(pairs)))
        .where(ads.c.id.not_in(list(exclude)))
        .distinct()
        .order_by(ads.c.id.desc())
    )
    found: dict[int, LinkedAd] = {}
    for ad_id, title, city, network, kind, value in connection.execute(query):
        seen = found.get(int(ad_id))
        via = (*seen.via, f"{kind}:{value}") if seen else (f"{kind}:{value}",)
        if seen is None and len(found) >= limit:
            continue
        found[int(ad_id)] = LinkedAd(int(ad_id), title or "", city, network, via)
    return list(found.values())
