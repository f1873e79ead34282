"""Deny by default: every route names its roles or says why it is public, and every role it
does not name is refused (403), as is anyone not logged in (303 to /login, or 401 under /api/).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.web.accounts import Clock, app_with_clock, csrf_from, logged_in
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.accounts import Role
from threadline.web.auth import PublicRoute, Require, RequireStage

EXPECTED_PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
}
# Webhooks and platform APIs check a signature, shared secret or API key themselves.
MACHINE_PATHS = ("/sms/", "/api/")
# Login steps: admitted by a session at that step, not by a role.
LOGIN_STEPS = {"/password", "/mfa", "/mfa/enrol"}


def _routes(app: FastAPI) -> Iterator[tuple[str, str, APIRoute]]:
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - older FastAPI lists routes flat
        candidates: list[Any] = [(r, getattr(r, "path", "")) for r in app.routes]
    else:
        candidates = [(c.original_route, c.path) for c in iter_route_contexts(app.routes)]
    for route, path in candidates:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods):
                yield method, path, route


def _markers(route: APIRoute) -> list[object]:
    found, stack = [], list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if isinstance(dependency.call, Require | PublicRoute | RequireStage):
            found.append(dependency.call)
        stack.extend(dependency.dependencies)
    return found


def _app(settings: Settings, database: Database) -> FastAPI:
    return app_with_clock(settings, database, Clock())


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999999", path)  # no such object: admitted calls change nothing


def test_every_route_declares_who_may_call_it(settings: Settings, database: Database) -> None:
    undeclared = [
        (method, path)
        for method, path, route in _routes(_app(settings, database))
        if not _markers(route)
    ]
    assert undeclared == []


def test_public_routes_are_exactly_the_expected_ones(
    settings: Settings, database: Database
) -> None:
    public = {
        (method, path)
        for method, path, route in _routes(_app(settings, database))
        if any(isinstance(m, PublicRoute) for m in _markers(route))
        and not path.startswith(MACHINE_PATHS)
    }
    assert public == EXPECTED_PUBLIC


def test_public_machine_routes_say_how_they_authenticate(
    settings: Settings, database: Database
) -> None:
    reasons = [
        (path, marker.reason)
        for _method, path, route in _routes(_app(settings, database))
        for marker in _markers(route)
        if isinstance(marker, PublicRoute) and path.startswith(MACHINE_PATHS)
    ]
    assert [r for r in reasons if len(r[1]) < 15] == []


def _protected(app: FastAPI) -> list[tuple[str, str, frozenset[Role]]]:
    out = []
    for method, path, route in _routes(app):
        roles = [m.roles for m in _markers(route) if isinstance(m, Require)]
        if roles:
            out.append((method, path, roles[0]))
    return out


def test_anonymous_callers_are_refused_everywhere(settings: Settings, database: Database) -> None:
    app = _app(settings, database)
    client = TestClient(app)
    outcomes = {}
    for method, path, _roles in _protected(app) + [
        (m, p, frozenset()) for m, p, _r in _routes(app) if p in LOGIN_STEPS
    ]:
        response = client.request(method, _url(path), follow_redirects=False)
        outcomes[(method, path)] = (response.status_code, response.headers.get("location"))
    expected = {
        key: ((401, None) if key[1].startswith("/api/") else (303, "/login")) for key in outcomes
    }
    assert outcomes == expected


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_by_every_route_that_does_not_name_it(
    settings: Settings, database: Database, role: Role
) -> None:
    clock = Clock()
    client = logged_in(settings, database, role, clock)
    token = csrf_from(client.get("/password").text)
    app = client.app
    assert isinstance(app, FastAPI)
    refused, admitted = {}, {}
    for method, path, roles in _protected(app):
        response = client.request(
            method, _url(path), headers={"x-csrf-token": token}, follow_redirects=False
        )
        (admitted if role in roles else refused)[(method, path)] = response.status_code
    assert set(refused.values()) <= {403}
    assert [key for key, status in admitted.items() if status in (401, 403)] == []


def test_role_matrix_is_as_designed(settings: Settings, database: Database) -> None:
    matrix = {
        (method, path): sorted(r.value for r in roles)
        for method, path, roles in _protected(_app(settings, database))
        if not path.startswith(MACHINE_PATHS)
    }
    staff = ["admin", "analyst", "operator", "supervisor"]
    assert matrix["GET", "/"] == staff
    assert {k: v for k, v in matrix.items() if k[1].startswith("/admin/")} == {
        k: ["admin"] for k in matrix if k[1].startswith("/admin/")
    }
    assert {k: v for k, v in matrix.items() if k[1].startswith("/audit")} == {
        k: ["auditor"] for k in matrix if k[1].startswith("/audit")
    }
    assert all("auditor" not in v for k, v in matrix.items() if not k[1].startswith("/audit"))
