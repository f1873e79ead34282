"""Property-based API testing with schemathesis against the app's own OpenAPI schema.

Every operation is called with generated data, anonymously and as a logged-in user of each
role (a fresh session per call, with its CSRF token): no answer may be a 5xx, and every
documented response must match its schema. Schemathesis's pytest plugin does not work with
this pytest, so the operations are driven through hypothesis directly.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.web.accounts import Clock, add_user, app_with_clock
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.accounts import Role, find_account
from threadline.store.sessions import Stage, create_session
from threadline.web.auth import Security

CHECKS = [not_a_server_error, response_schema_conformance]
SEED = "fixed-csrf-seed"
EXAMPLES = 12


@pytest.fixture
def api(tmp_path: Path, settings: Settings) -> Iterator[FastAPI]:
    """The whole app, API schema on, on a fresh SQLite database with one user per role."""
    database = Database(f"sqlite:///{tmp_path / 'api.db'}")
    database.migrate()
    documented = settings.model_copy(update={"api_docs": True})
    clock = Clock()
    for role in Role:
        add_user(database, documented, role.value, role, clock)
    yield app_with_clock(documented, database, clock)
    database.dispose()


def _credentials(app: FastAPI, role: Role) -> dict[str, Any]:
    """Cookies and CSRF header of a fresh session for the user named after the role."""
    security: Security = app.state.security
    database: Database = app.state.db
    with database.transaction() as connection:
        account = find_account(connection, role.value)
        assert account is not None
        token = create_session(connection, account.id, Stage.OK, security.now(), "fuzz")
    message = f"csrf|{SEED}|{token}".encode()
    csrf = hmac.new(security.csrf_key, message, hashlib.sha256).hexdigest()
    return {"cookies": {"tl_session": token, "tl_csrf": SEED}, "headers": {"x-csrf-token": csrf}}


def _fuzz(
    app: FastAPI, credentials: Callable[[], dict[str, Any]], examples: int = EXAMPLES
) -> list[str]:
    """Run every operation; the failures, one line each."""
    failures = []
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    for result in schema.get_all_operations():
        operation = result.ok()

        @hsettings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            case.call_and_validate(checks=CHECKS, **credentials())

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.label}: {str(exc).splitlines()[0][:300]}")
    return failures


def test_api_anonymous_never_fails(api: FastAPI) -> None:
    assert _fuzz(api, dict) == []


@pytest.mark.slow
@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_api_logged_in_never_fails(api: FastAPI, role: Role) -> None:
    assert _fuzz(api, lambda: _credentials(api, role), examples=6) == []
