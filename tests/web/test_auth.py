"""Login, first-login setup, lockout, TOTP replay, session expiry, logout, CSRF, fail-closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from tests.web.accounts import (
    FAST_HASHER,
    PASSWORD,
    Clock,
    add_user,
    app_with_clock,
    csrf_from,
    logged_in,
    login,
    post_form,
)
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.accounts import Role, User, create_user, find_account, unlock
from threadline.store.tables import audit_head, audit_log
from threadline.store.tables_security import sessions, users
from threadline.store.totp import code_at
from threadline.web.auth import Security, require
from threadline.web.middleware import _has_cookie

WRONG = {"name": "alice", "password": "not the password at all", "acknowledge": "true"}


def _actions(database: Database) -> list[tuple[str, str, str]]:
    with database.transaction() as connection:
        rows = connection.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.outcome).order_by(
                audit_log.c.seq
            )
        )
        return [(r.actor, r.action, r.outcome) for r in rows]


def _client(settings: Settings, database: Database, clock: Clock) -> TestClient:
    return TestClient(app_with_clock(settings, database, clock))


def test_login_page_shows_the_use_notice_and_a_csrf_field(
    settings: Settings, database: Database
) -> None:
    page = TestClient(_app(settings, database)).get("/login")
    assert page.status_code == 200
    assert settings.use_banner in page.text
    assert len(csrf_from(page.text)) == 64
    assert 'name="acknowledge"' in page.text


def test_first_login_forces_a_new_password_then_mfa_enrolment(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    with database.transaction() as connection:
        _account, once = create_user(connection, "admin", Role.ADMIN, FAST_HASHER, clock.now)
    client = _client(settings, database, clock)
    first = post_form(client, "/login", {"name": "admin", "password": once, "acknowledge": "true"})
    assert (first.status_code, first.headers["location"]) == (303, "/password")
    assert client.get("/", follow_redirects=False).headers["location"] == "/password"
    data = {"current": once, "new": PASSWORD, "confirm": PASSWORD}
    changed = post_form(client, "/password", data, "/password")
    assert (changed.status_code, changed.headers["location"]) == (303, "/mfa/enrol")
    enrol = client.get("/mfa/enrol")
    secret = enrol.text.split('id="totp-secret">')[1].split("<")[0]
    assert f"otpauth://totp/Threadline:admin?secret={secret}" in enrol.text
    assert "<svg" in enrol.text
    done = post_form(client, "/mfa/enrol", {"code": code_at(secret, clock.now)}, "/mfa/enrol")
    assert (done.status_code, done.headers["location"]) == (303, "/")
    assert client.get("/").status_code == 200
    with database.transaction() as connection:
        account = find_account(connection, "admin")
    assert account is not None
    assert (account.must_change_password, account.mfa_enrolled) == (False, True)


def test_weak_new_passwords_are_refused(settings: Settings, database: Database) -> None:
    clock = Clock()
    with database.transaction() as connection:
        _account, once = create_user(connection, "bob", Role.ANALYST, FAST_HASHER, clock.now)
    client = _client(settings, database, clock)
    post_form(client, "/login", {"name": "bob", "password": once, "acknowledge": "true"})
    data = {"current": once, "new": "Password123!", "confirm": "Password123!"}
    refused = post_form(client, "/password", data, "/password")
    assert refused.status_code == 400
    assert "The new password is a commonly used password." in refused.text


def test_login_needs_the_notice_acknowledged(settings: Settings, database: Database) -> None:
    clock = Clock()
    add_user(database, settings, "alice", Role.ANALYST, clock)
    client = _client(settings, database, clock)
    response = post_form(client, "/login", {"name": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert "Acknowledge the notice to continue." in response.text


def test_unknown_name_and_wrong_password_get_the_same_answer(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    add_user(database, settings, "alice", Role.ANALYST, clock)
    client = _client(settings, database, clock)
    wrong = post_form(client, "/login", WRONG)
    unknown = post_form(client, "/login", WRONG | {"name": "mallory"})
    assert (wrong.status_code, unknown.status_code) == (400, 400)
    assert wrong.text.replace("alice", "X") == unknown.text.replace("mallory", "X")
    assert _actions(database)[-2:] == [
        ("alice", "login", "failed"),
        ("mallory", "login", "failed"),
    ]


def test_five_failures_lock_the_account_until_an_admin_unlocks_it(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    secret = add_user(database, settings, "alice", Role.ANALYST, clock)
    client = _client(settings, database, clock)
    for _ in range(5):
        assert post_form(client, "/login", WRONG).status_code == 400
        clock.advance(minutes=2)
    right = post_form(client, "/login", WRONG | {"password": PASSWORD})
    assert right.status_code == 400  # locked: the right password no longer helps
    assert ("alice", "user.lock", "ok") in _actions(database)
    clock.advance(hours=5)
    assert post_form(client, "/login", WRONG | {"password": PASSWORD}).status_code == 400
    with database.transaction() as connection:
        account = find_account(connection, "alice")
        assert account is not None
        assert account.locked
        unlock(connection, account.id, clock.now)
    login(client, "alice", secret, clock)
    assert client.get("/").status_code == 200


def test_failures_spread_over_more_than_15_minutes_do_not_lock(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    secret = add_user(database, settings, "alice", Role.ANALYST, clock)
    client = _client(settings, database, clock)
    for _ in range(8):
        assert post_form(client, "/login", WRONG).status_code == 400
        clock.advance(minutes=4)  # never more than 4 failures inside 15 minutes
    login(client, "alice", secret, clock)
    assert client.get("/").status_code == 200


def test_a_used_totp_code_is_refused(settings: Settings, database: Database) -> None:
    clock = Clock()
    secret = add_user(database, settings, "alice", Role.ANALYST, clock)
    client = _client(settings, database, clock)
    login(client, "alice", secret, clock)
    post_form(client, "/logout", {}, "/")
    code = code_at(secret, clock.now)
    post_form(client, "/login", WRONG | {"password": PASSWORD})
    replay = post_form(client, "/mfa", {"code": code}, "/mfa")
    assert replay.headers["location"] == "/mfa?error=code"
    assert client.get("/", follow_redirects=False).headers["location"] == "/mfa"
    clock.advance(seconds=30)
    fresh = post_form(client, "/mfa", {"code": code_at(secret, clock.now)}, "/mfa")
    assert fresh.headers["location"] == "/"
    assert ("alice", "mfa.verify", "failed") in _actions(database)


def test_wrong_totp_codes_count_towards_the_lockout(settings: Settings, database: Database) -> None:
    clock = Clock()
    add_user(database, settings, "alice", Role.ANALYST, clock)
    client = _client(settings, database, clock)
    post_form(client, "/login", WRONG | {"password": PASSWORD})
    for _ in range(4):
        post_form(client, "/mfa", {"code": "000000"}, "/mfa")
    last = post_form(client, "/mfa", {"code": "000000"}, "/mfa")
    assert last.status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    with database.transaction() as connection:
        account = find_account(connection, "alice")
    assert account is not None
    assert account.locked


@pytest.mark.parametrize(("idle_minutes", "status"), [(29, 200), (30, 303)])
def test_sessions_end_after_30_idle_minutes(
    settings: Settings, database: Database, idle_minutes: int, status: int
) -> None:
    clock = Clock()
    client = logged_in(settings, database, Role.ANALYST, clock)
    clock.advance(minutes=idle_minutes)
    assert client.get("/", follow_redirects=False).status_code == status


def test_sessions_end_12_hours_after_login_however_busy(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    client = logged_in(settings, database, Role.ANALYST, clock)
    for _ in range(35):  # 35 x 20 minutes = 11 h 40 min of steady use
        clock.advance(minutes=20)
        assert client.get("/", follow_redirects=False).status_code == 200
    clock.advance(minutes=20)
    response = client.get("/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert ("analyst-user", "session.end", "ok") in _actions(database)


def test_logout_revokes_the_session_on_the_server(settings: Settings, database: Database) -> None:
    clock = Clock()
    client = logged_in(settings, database, Role.ANALYST, clock)
    stolen = client.cookies.get("tl_session")
    assert stolen
    out = post_form(client, "/logout", {}, "/")
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    replay = _client(settings, database, clock)
    replay.cookies.set("tl_session", stolen)
    assert replay.get("/", follow_redirects=False).headers["location"] == "/login"
    with database.transaction() as connection:
        live = connection.execute(
            select(func.count()).select_from(sessions).where(sessions.c.revoked_at.is_(None))
        ).scalar_one()
    assert live == 0


def test_session_cookie_is_httponly_and_samesite_lax(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    add_user(database, settings, "alice", Role.ANALYST, clock)
    client = _client(settings, database, clock)
    response = post_form(client, "/login", WRONG | {"password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("tl_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_under_tls(settings: Settings, database: Database) -> None:
    clock = Clock()
    add_user(database, settings, "alice", Role.ANALYST, clock)
    client = TestClient(app_with_clock(settings, database, clock), base_url="https://testserver")
    response = post_form(client, "/login", WRONG | {"password": PASSWORD})
    assert "; Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize("token", [None, "", "0" * 64])
def test_forms_without_the_right_csrf_token_are_refused(
    settings: Settings, database: Database, token: str | None
) -> None:
    clock = Clock()
    client = logged_in(settings, database, Role.ADMIN, clock)
    data = {"name": "eve", "role": "admin"} | ({} if token is None else {"csrf_token": token})
    response = client.post("/admin/users", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "CSRF token missing or wrong" in response.text
    with database.transaction() as connection:
        assert find_account(connection, "eve") is None


def test_login_form_without_csrf_token_is_refused(settings: Settings, database: Database) -> None:
    client = TestClient(_app(settings, database))
    client.get("/login")
    response = client.post("/login", data=WRONG, follow_redirects=False)
    assert response.status_code == 403


def test_csrf_token_from_another_browser_is_refused(settings: Settings, database: Database) -> None:
    clock = Clock()
    victim = logged_in(settings, database, Role.ADMIN, clock)
    attacker = TestClient(_app(settings, database))
    forged = csrf_from(attacker.get("/login").text)
    response = victim.post(
        "/admin/users", data={"name": "eve", "role": "admin", "csrf_token": forged}
    )
    assert response.status_code == 403


def test_demo_mode_skips_mfa_and_says_so_on_every_page(
    settings: Settings, database: Database
) -> None:
    demo = settings.model_copy(update={"demo_mode": True})
    clock = Clock()
    add_user(database, demo, "alice", Role.ANALYST, clock)
    client = _client(demo, database, clock)
    assert "DEMO MODE — MFA off" in client.get("/login").text
    login(client, "alice", None, clock)
    home = client.get("/")
    assert home.status_code == 200
    assert "DEMO MODE — MFA off" in home.text


def test_without_demo_mode_there_is_no_demo_banner(settings: Settings, database: Database) -> None:
    assert "DEMO MODE" not in TestClient(_app(settings, database)).get("/login").text


def test_api_paths_answer_401_json_and_403_for_a_wrong_role(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    app = app_with_clock(settings, database, clock)
    _add_probe(app)
    anonymous = TestClient(app).get("/api/v1/probe")
    assert (anonymous.status_code, anonymous.json()) == (401, {"detail": "login required"})
    client = TestClient(app)
    secret = add_user(database, settings, "alice", Role.OPERATOR, clock)
    login(client, "alice", secret, clock)
    denied = client.get("/api/v1/probe")
    assert (denied.status_code, denied.json()) == (403, {"detail": "forbidden"})
    assert ("alice", "access.denied", "denied") in _actions(database)


def test_require_returns_the_logged_in_user(settings: Settings, database: Database) -> None:
    clock = Clock()
    app = app_with_clock(settings, database, clock)
    _add_probe(app)
    client = TestClient(app)
    secret = add_user(database, settings, "ana", Role.ANALYST, clock)
    login(client, "ana", secret, clock)
    assert client.get("/api/v1/probe").json() == {"name": "ana", "role": "analyst"}


def test_require_without_roles_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="access is denied by default"):
        require()


def test_logins_and_logouts_are_audited_in_order(settings: Settings, database: Database) -> None:
    clock = Clock()
    secret = add_user(database, settings, "alice", Role.ANALYST, clock)
    client = _client(settings, database, clock)
    post_form(client, "/login", WRONG)
    login(client, "alice", secret, clock)
    post_form(client, "/logout", {}, "/password")  # a page that is not itself audited
    assert _actions(database) == [
        ("alice", "login", "failed"),
        ("alice", "login", "ok"),
        ("alice", "mfa.verify", "ok"),
        ("alice", "logout", "ok"),
    ]


def test_when_the_audit_log_cannot_be_written_login_fails_closed(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    secret = add_user(database, settings, "alice", Role.ANALYST, clock)
    with database.transaction() as connection:
        connection.execute(delete(audit_head))  # appends now find no head row and fail
    client = _client(settings, database, clock)
    response = post_form(client, "/login", WRONG | {"password": PASSWORD})
    assert response.status_code == 503
    assert response.json() == {
        "detail": "the audit log cannot be written, so the action was refused"
    }
    with database.transaction() as connection:
        assert connection.execute(select(func.count()).select_from(sessions)).scalar_one() == 0
    del secret


def test_disabling_an_account_ends_its_sessions(settings: Settings, database: Database) -> None:
    clock = Clock()
    client = logged_in(settings, database, Role.ANALYST, clock)
    with database.transaction() as connection:
        connection.execute(users.update().values(disabled=True))
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def _app(settings: Settings, database: Database) -> FastAPI:
    return app_with_clock(settings, database, Clock())


def _add_probe(app: FastAPI) -> None:
    @app.get("/api/v1/probe")
    def probe(user: User = Depends(require(Role.ANALYST))) -> dict[str, str]:  # noqa: B008
        return {"name": user.name, "role": user.role.value}


def test_session_limits_follow_the_settings(settings: Settings) -> None:
    limits = Security.from_settings(settings).limits
    assert (limits.idle, limits.absolute) == (timedelta(minutes=30), timedelta(hours=12))


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cookie=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=200))
def test_any_session_cookie_value_is_just_not_logged_in(
    settings: Settings, sqlite_db: Database, cookie: str
) -> None:
    client = TestClient(_app(settings, sqlite_db))
    client.cookies.set("tl_session", cookie.replace(";", "").replace('"', "") or "x")
    response = client.get("/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login")


@hsettings(max_examples=200, deadline=None)
@given(header=st.binary(max_size=300))
def test_the_cookie_scan_of_the_middleware_never_raises(header: bytes) -> None:
    assert _has_cookie({"headers": [(b"cookie", header)]}, "tl_csrf") in (True, False)


def test_completing_mfa_issues_a_new_session_token(settings: Settings, database: Database) -> None:
    clock = Clock()
    secret = add_user(database, settings, "alice", Role.ANALYST, clock)
    client = _client(settings, database, clock)
    post_form(client, "/login", WRONG | {"password": PASSWORD})
    halfway = client.cookies.get("tl_session")
    post_form(client, "/mfa", {"code": code_at(secret, clock.now)}, "/mfa")
    assert client.cookies.get("tl_session") not in (None, halfway)
    assert client.get("/", follow_redirects=False).status_code == 200
    replay = _client(settings, database, clock)
    replay.cookies.set("tl_session", str(halfway))
    assert replay.get("/", follow_redirects=False).headers["location"] == "/login"


def test_one_address_spraying_many_accounts_is_throttled(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    secret = add_user(database, settings, "alice", Role.ANALYST, clock)
    client = _client(settings, database, clock)
    for n in range(20):
        assert post_form(client, "/login", WRONG | {"name": f"user{n}"}).status_code == 400
    throttled = post_form(client, "/login", WRONG | {"password": PASSWORD})
    assert throttled.status_code == 429
    assert "Too many failed logins from this address." in throttled.text
    assert _actions(database)[-1] == ("alice", "login", "failed")
    clock.advance(minutes=15)
    login(client, "alice", secret, clock)
    assert client.get("/").status_code == 200


def test_a_new_password_ends_the_users_other_sessions(
    settings: Settings, database: Database
) -> None:
    clock = Clock()
    secret = add_user(database, settings, "alice", Role.ANALYST, clock)
    laptop, phone = _client(settings, database, clock), _client(settings, database, clock)
    login(laptop, "alice", secret, clock)
    clock.advance(seconds=30)
    login(phone, "alice", secret, clock)
    new = "quiet harbour lantern 2031"
    changed = post_form(
        phone, "/password", {"current": PASSWORD, "new": new, "confirm": new}, "/password"
    )
    assert changed.status_code == 303
    assert phone.get("/", follow_redirects=False).status_code == 200
    assert laptop.get("/", follow_redirects=False).headers["location"] == "/login"
