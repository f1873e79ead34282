"""The append-only, hash-chained audit log: every row carries the hash of the one before."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from threadline.store.tables import audit_head, audit_log


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Who did what to which object, from where, with what outcome."""

    actor: str
    action: str
    object_type: str = ""
    object_id: str = ""
    source_ip: str = ""
    outcome: str = "ok"
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """The result of verifying the chain: how far it holds, and where it first breaks."""

    ok: bool
    rows: int
    head_hash: str
    first_broken: int | None = None
    reason: str = ""


def append_audit(connection: Connection, event: AuditEvent, at: datetime | None = None) -> int:
    """Append one row inside the caller's transaction and return its sequence number.

    The head row is updated first so that concurrent writers queue on its lock and the chain
    never forks; if this fails, the caller's whole transaction fails with it (fail closed).
    """
    head = connection.execute(
        update(audit_head)
        .where(audit_head.c.id == 1)
        .values(seq=audit_head.c.seq + 1)
        .returning(audit_head.c.seq, audit_head.c.hash)
    ).one()
    seq, prev_hash = int(head.seq), str(head.hash)
    values = _row_values(event, seq, at or datetime.now(UTC), prev_hash)
    connection.execute(insert(audit_log).values(**values))
    connection.execute(update(audit_head).where(audit_head.c.id == 1).values(hash=values["hash"]))
    return seq


def verify_chain(connection: Connection) -> ChainCheck:
    """Recompute every row's hash in order; name the first row that does not hold."""
    expected_prev, count = "0" * 64, 0
    # yield_per on the statement, not the connection: the caller's transaction goes on after.
    rows = connection.execute(
        select(audit_log).order_by(audit_log.c.seq).execution_options(yield_per=1000)
    )
    for row in rows:
        count += 1
        problem = _row_problem(row, count, expected_prev)
        if problem:
            return ChainCheck(False, count - 1, expected_prev, int(row.seq), problem)
        expected_prev = str(row.hash)
    head = connection.execute(select(audit_head).where(audit_head.c.id == 1)).one()
    if int(head.seq) != count or head.hash != expected_prev:
        return ChainCheck(False, count, expected_prev, count + 1, "chain head does not match")
    return ChainCheck(True, count, expected_prev)


def row_hash(values: Mapping[str, Any]) -> str:
    """SHA-256 over the row's fields and the previous hash, in a fixed serialization."""
    fields = [
        values["seq"],
        _iso(values["at"]),
        values["actor"],
        values["action"],
        values["object_type"],
        values["object_id"],
        values["source_ip"],
        values["outcome"],
        values["detail"],
        values["prev_hash"],
    ]
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _row_values(event: AuditEvent, seq: int, at: datetime, prev_hash: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "seq": seq,
        "at": at.astimezone(UTC),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "source_ip": event.source_ip,
        "outcome": event.outcome,
        "detail": json.dumps(dict(event.detail), sort_keys=True, separators=(",", ":")),
        "prev_hash": prev_hash,
    }
    values["hash"] = row_hash(values)
    return values


def _row_problem(row: Row[Any], position: int, expected_prev: str) -> str:
    if int(row.seq) != position:
        return f"row {position} is missing (found {row.seq})"
    if row.prev_hash != expected_prev:
        return "previous-hash link is broken"
    if row.hash != row_hash(dict(row._mapping)):
        return "row content does not match its hash"
    return ""


def _iso(moment: datetime) -> str:
    # SQLite hands back naive datetimes; every stored time is UTC.
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat(timespec="microseconds")
