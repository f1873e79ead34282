"""Security headers on every kind of response; no inline script anywhere; API docs off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.accounts import Clock, app_with_clock
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.tables import audit_log
from threadline.web.middleware import CSP

TEMPLATES = Path(__file__).parents[2] / "threadline" / "web" / "templates"
EXPECTED = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def _client(
    settings: Settings, database: Database, base_url: str = "http://testserver"
) -> TestClient:
    return TestClient(app_with_clock(settings, database, Clock()), base_url=base_url)


@pytest.mark.parametrize("path", ["/login", "/healthz", "/static/threadline.css", "/nowhere", "/"])
def test_every_response_carries_the_security_headers(
    settings: Settings, database: Database, path: str
) -> None:
    response = _client(settings, database).get(path, follow_redirects=False)
    assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED
    assert "strict-transport-security" not in response.headers


def test_csp_forbids_inline_script_and_framing() -> None:
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in CSP


@pytest.mark.parametrize("base_url", ["https://testserver"])
def test_hsts_is_sent_under_tls(settings: Settings, database: Database, base_url: str) -> None:
    response = _client(settings, database, base_url).get("/login")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_force_https_sends_hsts_behind_a_proxy(settings: Settings, database: Database) -> None:
    forced = settings.model_copy(update={"force_https": True})
    response = _client(forced, database).get("/login")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "; Secure" in response.headers["set-cookie"]


def test_pages_are_not_cached_but_static_files_may_be(
    settings: Settings, database: Database
) -> None:
    client = _client(settings, database)
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert "cache-control" not in client.get("/static/threadline.css").headers


def test_first_visit_gets_an_httponly_csrf_cookie(settings: Settings, database: Database) -> None:
    response = _client(settings, database).get("/login")
    cookie = response.headers["set-cookie"]
    assert re.fullmatch(r"tl_csrf=[\w-]{32}; Path=/; HttpOnly; SameSite=Lax", cookie)


def test_no_template_has_inline_script_or_event_handlers() -> None:
    offenders = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        # JSON data islands (type="application/json") are data, never executed.
        inline_scripts = re.findall(
            r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", text
        )
        handlers = re.findall(r"\son[a-z]+\s*=", text)
        styles = re.findall(r"\sstyle\s*=", text)
        if inline_scripts or handlers or styles:
            offenders.append(template.name)
    assert offenders == []


def test_api_docs_are_off_by_default(settings: Settings, database: Database) -> None:
    client = _client(settings, database)
    assert [client.get(p).status_code for p in ("/openapi.json", "/docs", "/redoc")] == [
        404,
        404,
        404,
    ]


def test_api_docs_setting_serves_the_schema_only(settings: Settings, database: Database) -> None:
    client = _client(settings.model_copy(update={"api_docs": True}), database)
    assert client.get("/openapi.json").json()["info"]["title"] == "Threadline"
    assert client.get("/docs").status_code == 404


def test_server_errors_do_not_leak_a_server_header(settings: Settings, database: Database) -> None:
    response = _client(settings, database).get("/login")
    assert "server" not in response.headers


def test_an_id_no_column_can_hold_is_a_400_not_a_crash(
    settings: Settings, database: Database
) -> None:
    app = app_with_clock(settings, database, Clock())

    @app.get("/probe/{n}", dependencies=[])
    def probe(n: int) -> dict[str, int]:
        with database.transaction() as connection:
            connection.execute(audit_log.select().where(audit_log.c.seq == n)).all()
        return {"rows": 0}

    response = TestClient(app).get(f"/probe/{2**70}")
    assert (response.status_code, response.json()) == (400, {"detail": "a value is out of range"})
