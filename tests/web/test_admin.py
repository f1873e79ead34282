"""User administration through the pages: create, role change, unlock, reset, disable."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.accounts import Clock, csrf_from, logged_in
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.accounts import Role, find_account
from threadline.store.tables import audit_log
from threadline.store.tables_security import users


def _post(client: TestClient, path: str, data: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/admin/users").text)
    return client.post(path, data=(data or {}) | {"csrf_token": token}, follow_redirects=False)


def _audit_actions(database: Database) -> list[tuple[str, str, str]]:
    with database.transaction() as connection:
        rows = connection.execute(
            select(audit_log.c.action, audit_log.c.object_id, audit_log.c.outcome).order_by(
                audit_log.c.seq
            )
        )
        return [(r.action, r.object_id, r.outcome) for r in rows if r.action.startswith("user.")]


def test_admin_creates_a_user_and_sees_the_one_time_password_once(
    settings: Settings, database: Database
) -> None:
    admin = logged_in(settings, database, Role.ADMIN, Clock())
    page = _post(admin, "/admin/users", {"name": "carol", "role": "analyst"})
    assert page.status_code == 200
    shown = re.search(r'id="one-time-password">([\w-]+)<', page.text)
    assert shown is not None
    assert len(shown.group(1)) == 22
    with database.transaction() as connection:
        carol = find_account(connection, "carol")
    assert carol is not None
    assert (carol.role, carol.must_change_password, carol.mfa_enrolled) == (
        Role.ANALYST,
        True,
        False,
    )
    assert shown.group(1) not in admin.get("/admin/users").text


def test_a_duplicate_name_is_refused_and_audited(settings: Settings, database: Database) -> None:
    admin = logged_in(settings, database, Role.ADMIN, Clock(), name="root")
    refused = _post(admin, "/admin/users", {"name": "root", "role": "analyst"})
    assert refused.status_code == 400
    assert "user &#39;root&#39; exists already" in refused.text
    assert ("user.create", "root", "failed") in _audit_actions(database)


def test_a_role_change_ends_the_users_sessions_and_is_audited(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    analyst = logged_in(settings, database, Role.ANALYST, clock)
    admin = logged_in(settings, database, Role.ADMIN, clock)
    assert analyst.get("/").status_code == 200
    with database.transaction() as connection:
        account = find_account(connection, "analyst-user")
    assert account is not None
    moved = _post(admin, f"/admin/users/{account.id}/role", {"role": "auditor"})
    assert (moved.status_code, moved.headers["location"]) == (303, "/admin/users")
    assert analyst.get("/", follow_redirects=False).headers["location"] == "/login"
    assert ("user.role", str(account.id), "ok") in _audit_actions(database)


def test_the_last_admin_cannot_demote_themselves(settings: Settings, database: Database) -> None:
    admin = logged_in(settings, database, Role.ADMIN, Clock())
    with database.transaction() as connection:
        me = find_account(connection, "admin-user")
    assert me is not None
    refused = _post(admin, f"/admin/users/{me.id}/role", {"role": "analyst"})
    assert refused.status_code == 400
    assert refused.json() == {"detail": "the last active admin cannot be demoted or disabled"}


def test_admin_unlocks_a_locked_account(settings: Settings, database: Database) -> None:
    clock = Clock()
    admin = logged_in(settings, database, Role.ADMIN, clock)
    logged_in(settings, database, Role.ANALYST, clock)
    with database.transaction() as connection:
        connection.execute(
            users.update().where(users.c.name == "analyst-user").values(locked_at=clock.now)
        )
        locked = find_account(connection, "analyst-user")
    assert locked is not None
    assert locked.locked
    assert "Unlock" in admin.get("/admin/users").text
    assert _post(admin, f"/admin/users/{locked.id}/unlock").status_code == 303
    with database.transaction() as connection:
        after = find_account(connection, "analyst-user")
    assert after is not None
    assert after.locked is False


def test_reset_issues_a_new_one_time_password_and_drops_mfa(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    admin = logged_in(settings, database, Role.ADMIN, clock)
    analyst = logged_in(settings, database, Role.ANALYST, clock)
    with database.transaction() as connection:
        account = find_account(connection, "analyst-user")
    assert account is not None
    page = _post(admin, f"/admin/users/{account.id}/reset")
    assert 'id="one-time-password"' in page.text
    with database.transaction() as connection:
        after = find_account(connection, "analyst-user")
    assert after is not None
    assert (after.must_change_password, after.mfa_enrolled) == (True, False)
    assert analyst.get("/", follow_redirects=False).headers["location"] == "/login"


def test_disable_and_enable(settings: Settings, database: Database) -> None:
    clock = Clock()
    admin = logged_in(settings, database, Role.ADMIN, clock)
    analyst = logged_in(settings, database, Role.ANALYST, clock)
    with database.transaction() as connection:
        account = find_account(connection, "analyst-user")
    assert account is not None
    assert _post(admin, f"/admin/users/{account.id}/disable").status_code == 303
    assert analyst.get("/", follow_redirects=False).headers["location"] == "/login"
    assert _post(admin, f"/admin/users/{account.id}/enable").status_code == 303
    assert [a for a in _audit_actions(database) if a[0] in ("user.disable", "user.enable")] == [
        ("user.disable", str(account.id), "ok"),
        ("user.enable", str(account.id), "ok"),
    ]
