"""The audit chain: appends link by hash, and any change to any row is caught."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from threadline.store import AuditEvent, Database, append_audit, verify_chain
from threadline.store.audit import row_hash
from threadline.store.tables import audit_log

AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
FIELDS = ["actor", "action", "object_type", "object_id", "source_ip", "outcome", "detail"]


def _append_three(db: Database) -> None:
    with db.transaction() as connection:
        for i in range(3):
            event = AuditEvent("alice", "ad.view", "ad", str(i), "127.0.0.1", detail={"n": i})
            append_audit(connection, event, at=AT)


def test_append_audit_numbers_rows_and_links_hashes(database: Database) -> None:
    _append_three(database)
    with database.transaction() as connection:
        rows = connection.execute(select(audit_log).order_by(audit_log.c.seq)).all()
        check = verify_chain(connection)
    assert [row.seq for row in rows] == [1, 2, 3]
    assert rows[0].prev_hash == "0" * 64
    assert rows[1].prev_hash == rows[0].hash
    assert rows[2].prev_hash == rows[1].hash
    assert rows[0].detail == '{"n":0}'
    assert (check.ok, check.rows, check.head_hash, check.first_broken) == (
        True,
        3,
        rows[2].hash,
        None,
    )


def test_row_hash_is_stable_for_known_values() -> None:
    values = {
        "seq": 1,
        "at": AT,
        "actor": "alice",
        "action": "login",
        "object_type": "",
        "object_id": "",
        "source_ip": "127.0.0.1",
        "outcome": "ok",
        "detail": "{}",
        "prev_hash": "0" * 64,
    }
    assert row_hash(values) == row_hash(values | {"at": AT.replace(tzinfo=None)})
    assert row_hash(values) != row_hash(values | {"outcome": "denied"})


def test_audit_log_refuses_update_and_delete(database: Database) -> None:
    _append_three(database)
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), database.transaction() as c:
            c.execute(text(statement))


def test_verify_chain_names_first_broken_row_after_tampering(
    sqlite_db: Database, tmp_path: Path
) -> None:
    _append_three(sqlite_db)
    _tamper(tmp_path / "test.db", "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    with sqlite_db.transaction() as connection:
        check = verify_chain(connection)
    assert (check.ok, check.rows, check.first_broken) == (False, 1, 2)
    assert check.reason == "row content does not match its hash"


def test_verify_chain_notices_a_deleted_last_row(sqlite_db: Database, tmp_path: Path) -> None:
    _append_three(sqlite_db)
    _tamper(tmp_path / "test.db", "DELETE FROM audit_log WHERE seq = 3")
    with sqlite_db.transaction() as connection:
        check = verify_chain(connection)
    assert (check.ok, check.first_broken, check.reason) == (False, 3, "chain head does not match")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seq=st.integers(min_value=1, max_value=3),
    field=st.sampled_from(FIELDS),
    new_value=st.text(min_size=1, max_size=20),
)
def test_any_change_to_any_row_breaks_verify(
    sqlite_db: Database, tmp_path: Path, seq: int, field: str, new_value: str
) -> None:
    _fresh_chain(tmp_path / "test.db", sqlite_db)
    with sqlite_db.transaction() as connection:
        current = connection.execute(
            select(audit_log.c[field]).where(audit_log.c.seq == seq)
        ).scalar_one()
    if current == new_value:
        new_value += "x"
    _tamper(
        tmp_path / "test.db", f"UPDATE audit_log SET {field} = ? WHERE seq = ?", (new_value, seq)
    )
    with sqlite_db.transaction() as connection:
        check = verify_chain(connection)
    assert check.ok is False
    assert check.first_broken == seq


def _fresh_chain(path: Path, db: Database) -> None:
    _tamper(path, "DELETE FROM audit_log")
    _tamper(path, "UPDATE audit_head SET seq = 0, hash = ?", ("0" * 64,))
    _append_three(db)


def _tamper(path: Path, statement: str, params: tuple[object, ...] = ()) -> None:
    # An attacker with file access bypasses the triggers; the hash chain must still tell.
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        connection.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        connection.execute(statement, params)
    connection.close()


def test_the_transaction_goes_on_after_verify(database: Database) -> None:
    _append_three(database)
    with database.transaction() as connection:
        assert verify_chain(connection).ok is True
        append_audit(connection, AuditEvent("bob", "audit.verify"), at=AT)
        assert verify_chain(connection).rows == 4
