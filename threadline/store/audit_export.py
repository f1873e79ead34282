"""Reading the audit log for auditors: pages of rows and the whole log as JSON lines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from typing import Any

from sqlalchemy import Connection, Row, select

from threadline.store.tables import audit_log


def audit_page(
    connection: Connection, before: int | None, limit: int = 100
) -> list[dict[str, Any]]:
    """The newest rows below `before` (all when None), newest first."""
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(audit_log.c.seq < before)
    return [row_dict(row) for row in connection.execute(query)]


def iter_audit(connection: Connection) -> Iterator[dict[str, Any]]:
    """Every row in chain order, streamed."""
    # yield_per on the statement, not the connection, so later statements are unaffected.
    rows = connection.execute(
        select(audit_log).order_by(audit_log.c.seq).execution_options(yield_per=1000)
    )
    for row in rows:
        yield row_dict(row)


def row_dict(row: Row[Any]) -> dict[str, Any]:
    """A row as JSON-ready values, time in ISO 8601 UTC."""
    # Keys as plain str: column names are str subclasses that orjson refuses.
    values = {str(key): value for key, value in row._mapping.items()}
    at = values["at"]
    values["at"] = (at.replace(tzinfo=UTC) if at.tzinfo is None else at).isoformat()
    return values
