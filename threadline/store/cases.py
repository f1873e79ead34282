"""Cases: create, add items, share, list what a user may see; every call audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, or_, select

from threadline.errors import InputError, NotFoundError, ThreadlineError
from threadline.store.audit import AuditEvent, append_audit
from threadline.store.tables_cases import case_items, case_shares, cases

ITEM_KINDS = ("ad", "contact", "face_review", "network", "note")


@dataclass(frozen=True, slots=True)
class CaseItem:
    """One thing filed in a case, with who filed it and why."""

    id: int
    kind: str
    ref: str
    note: str
    added_by: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class Case:
    """A case with its items and the users it is shared with."""

    id: int
    title: str
    owner: str
    created_at: datetime
    status: str
    items: tuple[CaseItem, ...] = ()
    shared_with: tuple[str, ...] = ()


def create_case(connection: Connection, title: str, owner: str) -> Case:
    """A new open case owned by the user."""
    title = title.strip()
    if not title or len(title) > 300:
        raise InputError("a case title is 1 to 300 characters")
    case_id = connection.execute(
        insert(cases)
        .values(title=title, owner=owner, created_at=datetime.now(UTC), status="open")
        .returning(cases.c.id)
    ).scalar_one()
    _audit(connection, owner, "case.create", int(case_id), {"title": title})
    return get_case(connection, int(case_id), owner, audit=False)


def add_item(
    connection: Connection, case_id: int, user_name: str, kind: str, ref: str, note: str = ""
) -> CaseItem:
    """File an item in a case the user can see."""
    if kind not in ITEM_KINDS:
        raise InputError(f"item kind must be one of {', '.join(ITEM_KINDS)}")
    if not ref.strip() or len(ref) > 200:
        raise InputError("an item reference is 1 to 200 characters")
    _require_visible(connection, case_id, user_name)
    now = datetime.now(UTC)
    item_id = connection.execute(
        insert(case_items)
        .values(case_id=case_id, kind=kind, ref=ref, note=note, added_by=user_name, added_at=now)
        .returning(case_items.c.id)
    ).scalar_one()
    _audit(connection, user_name, "case.add_item", case_id, {"kind": kind, "ref": ref})
    return CaseItem(int(item_id), kind, ref, note, user_name, now)


def share_case(connection: Connection, case_id: int, user_name: str, with_user: str) -> None:
    """Share a case with another user; only its owner may share it."""
    row = _require_visible(connection, case_id, user_name)
    if row.owner != user_name:
        raise ThreadlineError("only the case owner can share it", status=403)
    already = connection.execute(
        select(case_shares.c.case_id).where(
            case_shares.c.case_id == case_id, case_shares.c.user_name == with_user
        )
    ).first()
    if already is None and with_user != row.owner:
        connection.execute(insert(case_shares).values(case_id=case_id, user_name=with_user))
    _audit(connection, user_name, "case.share", case_id, {"with": with_user})


def visible_cases(connection: Connection, user_name: str) -> list[Case]:
    """The cases the user owns or that are shared with them, newest first (no items)."""
    rows = connection.execute(
        select(cases).where(_visible_to(user_name)).order_by(cases.c.id.desc())
    )
    found = [Case(r.id, r.title, r.owner, r.created_at, r.status) for r in rows]
    _audit(connection, user_name, "case.list", 0, {"count": len(found)})
    return found


def get_case(connection: Connection, case_id: int, user_name: str, audit: bool = True) -> Case:
    """One case with its items; NotFoundError when it does not exist or the user can't see it."""
    row = _require_visible(connection, case_id, user_name)
    items = connection.execute(
        select(case_items).where(case_items.c.case_id == case_id).order_by(case_items.c.id)
    )
    shares = connection.execute(
        select(case_shares.c.user_name)
        .where(case_shares.c.case_id == case_id)
        .order_by(case_shares.c.user_name)
    )
    if audit:
        _audit(connection, user_name, "case.read", case_id, {})
    return Case(
        id=int(row.id),
        title=row.title,
        owner=row.owner,
        created_at=row.created_at,
        status=row.status,
        items=tuple(CaseItem(i.id, i.kind, i.ref, i.note, i.added_by, i.added_at) for i in items),
        shared_with=tuple(shares.scalars()),
    )


def _visible_to(user_name: str) -> Any:
    shared = select(case_shares.c.case_id).where(case_shares.c.user_name == user_name)
    return or_(cases.c.owner == user_name, cases.c.id.in_(shared))


def _require_visible(connection: Connection, case_id: int, user_name: str) -> Row[Any]:
    # Not visible and not existing look the same, so ids cannot be probed.
    row = connection.execute(
        select(cases).where(cases.c.id == case_id, _visible_to(user_name))
    ).first()
    if row is None:
        raise NotFoundError(f"no case {case_id}")
    return row


def _audit(
    connection: Connection,
    actor: str,
    action: str,
    case_id: int,
    detail: dict[str, Any],
) -> None:
    event = AuditEvent(actor, action, "case", str(case_id), detail=detail)
    append_audit(connection, event)
