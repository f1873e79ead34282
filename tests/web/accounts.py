"""Builders for logged-in tests: a settable clock, ready accounts, and the login dance."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from threadline.settings import Settings
from threadline.store import Database
from threadline.store.accounts import Role, begin_enrolment, change_password, create_user
from threadline.store.passwords import PasswordHasherPolicy
from threadline.store.tables_security import users
from threadline.store.totp import code_at
from threadline.web import create_app
from threadline.web.auth import Security

PASSWORD = "violet anchor tramline 1987"
T0 = datetime(2026, 3, 2, 12, 0, 5, tzinfo=UTC)
# Cheap argon2id parameters keep the suite fast; tests/store/test_passwords.py covers the real ones.
FAST_HASHER = PasswordHasherPolicy(
    argon2=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
)
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def app_with_clock(settings: Settings, database: Database, clock: Clock) -> FastAPI:
    """The app, its security clock replaced by the test's."""
    app = create_app(settings, database)
    app.state.security = dataclasses.replace(app.state.security, clock=clock, hasher=FAST_HASHER)
    return app


def add_user(database: Database, settings: Settings, name: str, role: Role, clock: Clock) -> str:
    """An account past its first login (own password, MFA enrolled); returns the TOTP secret."""
    sec = Security.from_settings(settings)
    with database.transaction() as connection:
        account, once = create_user(connection, name, role, FAST_HASHER, clock.now)
        assert (
            change_password(
                connection, account.id, once, PASSWORD, hasher=FAST_HASHER, now=clock.now
            )
            == []
        )
        secret = begin_enrolment(connection, account.id, sec.cipher)
        connection.execute(update(users).where(users.c.id == account.id).values(mfa_enrolled=True))
    return secret


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def post_form(client: TestClient, path: str, data: dict[str, str], page: str = "/login"):  # type: ignore[no-untyped-def]
    """Fetch `page` for a CSRF token, then post the form with it."""
    token = csrf_from(client.get(page).text)
    return client.post(path, data=data | {"csrf_token": token}, follow_redirects=False)


def login(
    client: TestClient, name: str, secret: str | None, clock: Clock, password: str = PASSWORD
) -> None:
    """Log in through the pages (password, then the TOTP code when there is a secret)."""
    data = {"name": name, "password": password, "acknowledge": "true"}
    response = post_form(client, "/login", data)
    assert response.status_code == 303, response.text
    if secret is not None:
        assert response.headers["location"] == "/mfa"
        response = post_form(client, "/mfa", {"code": code_at(secret, clock.now)}, "/mfa")
        assert response.status_code == 303
        assert "error" not in response.headers["location"]


def logged_in(
    settings: Settings, database: Database, role: Role, clock: Clock, name: str = ""
) -> TestClient:
    """A client logged in as a new user of that role."""
    name = name or f"{role.value}-user"
    secret = add_user(database, settings, name, role, clock)
    client = TestClient(app_with_clock(settings, database, clock))
    login(client, name, secret, clock)
    clock.advance(seconds=30)  # the next login of anyone needs a fresh TOTP step
    return client
