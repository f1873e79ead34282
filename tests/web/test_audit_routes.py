"""The auditor's pages: the log, verification, export and the signed head; all audited."""

from __future__ import annotations

from datetime import datetime

import orjson
from sqlalchemy import select

from tests.web.accounts import Clock, csrf_from, logged_in
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.accounts import Role
from threadline.store.audit import row_hash
from threadline.store.signing import check_signed_head
from threadline.store.tables import audit_log


def test_auditor_reads_the_log_and_the_reading_is_audited(
    settings: Settings, database: Database
) -> None:
    auditor = logged_in(settings, database, Role.AUDITOR, Clock())
    page = auditor.get("/audit")
    assert page.status_code == 200
    assert "auditor-user" in page.text
    with database.transaction() as connection:
        last = connection.execute(
            select(audit_log.c.actor, audit_log.c.action).order_by(audit_log.c.seq.desc())
        ).first()
    assert last is not None
    assert (last.actor, last.action) == ("auditor-user", "audit.read")


def test_verify_reports_the_chain(settings: Settings, database: Database) -> None:
    auditor = logged_in(settings, database, Role.AUDITOR, Clock())
    result = auditor.get("/audit/verify").json()
    assert (result["ok"], result["rows"], result["first_broken"]) == (True, 2, None)


def test_export_is_every_row_and_each_hash_recomputes(
    settings: Settings, database: Database
) -> None:
    auditor = logged_in(settings, database, Role.AUDITOR, Clock())
    response = auditor.get("/audit/export")
    assert response.headers["content-type"] == "application/x-ndjson"
    rows = [orjson.loads(line) for line in response.text.splitlines()]
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[-1]["action"] == "audit.export"
    assert all(row_hash(r | {"at": datetime.fromisoformat(r["at"])}) == r["hash"] for r in rows)


def test_auditor_signs_the_head_and_it_checks_against_the_log(
    settings: Settings, database: Database
) -> None:
    auditor = logged_in(settings, database, Role.AUDITOR, Clock())
    assert auditor.get("/audit/head").status_code == 404
    token = csrf_from(auditor.get("/audit").text)
    signed = auditor.post("/audit/head", headers={"x-csrf-token": token})
    assert signed.status_code == 201
    head = signed.json()
    assert auditor.get("/audit/head").json() == head
    with database.transaction() as connection:
        assert check_signed_head(connection, head) == ""
        assert check_signed_head(connection, head, "00" * 32) == "signed by a different key"
