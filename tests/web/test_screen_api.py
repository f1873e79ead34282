"""The screening API over HTTP: keys, decisions, batch, reports, watchlist, limits, bad input,
and schemathesis against its OpenAPI with a valid key."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from sqlalchemy import func, select

from tests.report.corpus import png, seed
from threadline.screen import Screener, add_to_watchlist
from threadline.settings import Settings
from threadline.store import BlobStore, Database
from threadline.store.screen import create_platform, revoke_platform, tip_queue
from threadline.store.tables import ads, audit_log
from threadline.store.tables_screen import screen_requests, tips
from threadline.synth import generate_ads
from threadline.web import create_app
from threadline.web.routers import screen as screen_router

AD = {"id": "p-1", "title": "Fresh girl", "body": "Fresh 17yo. Text 702-555-0142"}


@pytest.fixture
def api(settings: Settings, database: Database) -> tuple[TestClient, str]:
    """A client, and the API key of the platform `listings`."""
    with database.transaction() as connection:
        _, key = create_platform(connection, "listings", "admin")
    add_to_watchlist(database, Screener.from_settings(settings), "phone", "7025550142", "", "inv")
    quiet = {"api_docs": True, "intercept_sender": False}  # no background sender thread
    app = create_app(settings.model_copy(update=quiet), database)
    return TestClient(app), key


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _count(database: Database, table: Any) -> int:
    with database.transaction() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_platform_key_screens_an_ad(api: tuple[TestClient, str], database: Database) -> None:
    client, key = api
    response = client.post("/api/v1/screen", json=AD, headers=_auth(key))
    assert response.status_code == 200
    body = response.json()
    assert len(body.pop("request_id")) == 32
    assert body["decision"] == "block"
    assert body["watchlist"] == {"hit": True, "kinds": ["phone"]}
    codes = [(r["code"], r["spans"]) for r in body["reasons"]]
    assert ("age.under_18", [{"start": 17, "end": 21}]) in codes
    assert codes[-2:] == [("rule:juvenile", []), ("rule:watchlist", [])]
    assert "+17025550142" not in response.text  # no personal data, not which entry matched
    assert _count(database, screen_requests) == 1


def test_a_warm_key_is_served_by_the_fast_path_alike(
    api: tuple[TestClient, str], database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, key = api
    routed: list[int] = []
    route_screen = screen_router._screen

    async def counted(*args: Any) -> Any:
        routed.append(1)
        return await route_screen(*args)

    monkeypatch.setattr(screen_router, "_screen", counted)
    cold = client.post("/api/v1/screen", json=AD, headers=_auth(key))  # builds state, caches key
    warm = client.post("/api/v1/screen", json=AD, headers=_auth(key))
    invalid = client.post("/api/v1/screen", json={"id": "x"}, headers=_auth(key))
    assert (cold.status_code, warm.status_code, invalid.status_code, len(routed)) == (
        200, 200, 422, 1,
    )  # fmt: skip
    assert cold.json() | {"request_id": ""} == warm.json() | {"request_id": ""}
    assert cold.json()["request_id"] != warm.json()["request_id"]
    assert _headers(cold) == _headers(warm)
    assert invalid.json()["detail"][0]["msg"] == "Value error, an ad needs a title or a body"
    assert _count(database, screen_requests) == 2


def _headers(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.multi_items() if k != "set-cookie"]


def test_batch_answers_in_order(api: tuple[TestClient, str]) -> None:
    client, key = api
    batch = {
        "ads": [{"id": f"b{i}", "body": "hello" if i % 2 else "Fresh 17yo"} for i in range(1000)]
    }
    response = client.post("/api/v1/screen/batch", json=batch, headers=_auth(key))
    results = response.json()["results"]
    assert response.status_code == 200
    assert [r["ad_id"] for r in results] == [f"b{i}" for i in range(1000)]
    assert [r["decision"] for r in results[:2]] == ["block", "allow"]
    too_many = {"ads": [{"id": str(i), "body": "x"} for i in range(1001)]}
    assert client.post("/api/v1/screen/batch", json=too_many, headers=_auth(key)).status_code == 422


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "missing API key"),
        ({"Authorization": "Bearer tlk_not-a-key"}, "unknown or revoked API key"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "missing API key"),
    ],
)
def test_calls_without_a_valid_key_are_refused_and_audited(
    api: tuple[TestClient, str], database: Database, headers: dict[str, str], detail: str
) -> None:
    client, _ = api
    response = client.post("/api/v1/screen", json=AD, headers=headers)
    assert (response.status_code, response.json()) == (401, {"detail": detail})
    assert response.headers["www-authenticate"] == "Bearer"
    with database.transaction() as connection:
        last = connection.execute(select(audit_log).order_by(audit_log.c.seq.desc())).first()
    assert last is not None
    assert (last.actor, last.action, last.outcome) == (
        "platform:?",
        "POST /api/v1/screen",
        "denied",
    )


def test_a_revoked_key_stops_working_at_once(
    api: tuple[TestClient, str], database: Database
) -> None:
    client, key = api
    assert client.post("/api/v1/screen", json=AD, headers=_auth(key)).status_code == 200
    with database.transaction() as connection:
        revoke_platform(connection, "listings", "admin")
    assert client.post("/api/v1/screen", json=AD, headers=_auth(key)).status_code == 401


def test_a_key_revoked_by_another_process_fails_its_next_cached_call(
    api: tuple[TestClient, str], database: Database
) -> None:
    client, key = api
    batch = {"ads": [AD]}
    assert client.post("/api/v1/screen/batch", json=batch, headers=_auth(key)).status_code == 200
    # The revocation goes straight to the database, as from a `platforms revoke` process:
    # this server's key cache still holds the key, the call's usage statement must catch it.
    with database.transaction() as connection:
        revoke_platform(connection, "listings", "admin")
    refused = client.post("/api/v1/screen/batch", json=batch, headers=_auth(key))
    assert (refused.status_code, refused.json()) == (401, {"detail": "unknown or revoked API key"})
    with database.transaction() as connection:
        last = connection.execute(select(audit_log).order_by(audit_log.c.seq.desc())).first()
    assert last is not None
    assert (last.actor, last.action, last.outcome) == (
        "platform:?", "POST /api/v1/screen/batch", "denied",
    )  # fmt: skip
    assert _count(database, screen_requests) == 1
    assert client.post("/api/v1/screen", json=AD, headers=_auth(key)).status_code == 401


def test_rate_limit_answers_429_with_retry_after(settings: Settings, database: Database) -> None:
    with database.transaction() as connection:
        _, key = create_platform(connection, "fast", "admin")
    limited = settings.model_copy(update={"screen_rate_limit": 0.5, "screen_rate_burst": 2})
    client = TestClient(create_app(limited, database))
    codes = [client.post("/api/v1/screen", json=AD, headers=_auth(key)) for _ in range(3)]
    assert [r.status_code for r in codes] == [200, 200, 429]
    assert codes[2].headers["retry-after"] == "2"
    assert codes[2].json() == {"detail": "rate limit exceeded"}


def test_quota_answers_429_until_midnight(settings: Settings, database: Database) -> None:
    with database.transaction() as connection:
        _, key = create_platform(connection, "small", "admin", daily_quota=1)
    client = TestClient(create_app(settings, database))
    assert client.post("/api/v1/screen", json=AD, headers=_auth(key)).status_code == 200
    refused = client.post("/api/v1/screen", json=AD, headers=_auth(key))
    assert refused.status_code == 429
    assert refused.json() == {"detail": "daily quota of 1 ads reached (1 used)"}
    assert 1 <= int(refused.headers["retry-after"]) <= 86400


def _image(data: bytes) -> dict[str, Any]:
    return {**AD, "images": [{"data": base64.b64encode(data).decode()}]}


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b'{"id": "x", "body": ', 422, "JSON decode error"),
        (b'{"body": "hello"}', 422, "Field required"),
        (b'{"id": "x"}', 422, "Value error, an ad needs a title or a body"),
        (b'{"id": 5, "body": "hello"}', 422, "Input should be a valid string"),
        (b'{"id": "x", "body": "hello", "price": 5}', 422, "Extra inputs are not permitted"),
        (b'{"id": "x", "body": "hi", "images": [{"data": "%%%"}]}', 422,
         "Value error, image data is not valid base64"),
        (b'{"id": "x", "body": "hi", "images": [{"data": "aGVsbG8="}]}', 422,
         "Value error, image data is not an image"),
        (b'{"id": "x", "body": "hi", "images": [{}]}', 422,
         "Value error, an image has exactly one of url and data"),
        (b'[1, 2]', 422, "Input should be a valid dictionary or object to extract fields from"),
        (b"x" * 10_000_000, 413, None),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_4xx_and_stores_nothing(
    api: tuple[TestClient, str], database: Database, body: bytes, status: int, message: str | None
) -> None:
    client, key = api
    headers = _auth(key) | {"content-type": "application/json"}
    for path in ("/api/v1/screen", "/api/v1/reports"):
        response = client.post(path, content=body, headers=headers)
        assert response.status_code == status
        if message is not None and path == "/api/v1/screen":
            assert response.json()["detail"][0]["msg"] == message
    assert response.status_code == status
    assert (_count(database, screen_requests), _count(database, ads), _count(database, tips)) == (
        0, 0, 0,
    )  # fmt: skip


def test_a_422_names_the_field_and_the_problem_without_echoing_the_input(
    api: tuple[TestClient, str],
) -> None:
    client, key = api
    not_an_image = base64.b64encode(b"secret-bytes-" * 50).decode()
    ad = {**AD, "images": [{"url": "https://example.test/a.jpg"}, {"data": not_an_image}]}
    response = client.post("/api/v1/screen", json=ad, headers=_auth(key))
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "images", 1, "data"],
                "field": "images.1.data",
                "msg": "Value error, image data is not an image",
                "type": "value_error",
            }
        ]
    }
    assert not_an_image not in response.text


def test_a_real_image_is_accepted(api: tuple[TestClient, str]) -> None:
    client, key = api
    assert client.post("/api/v1/screen", json=_image(png()), headers=_auth(key)).status_code == 200


def test_a_chunked_body_over_the_limit_is_413(settings: Settings, database: Database) -> None:
    with database.transaction() as connection:
        _, key = create_platform(connection, "chunky", "admin")
    client = TestClient(create_app(settings, database))

    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield b" " * 100_000

    response = client.post("/api/v1/screen", content=chunks(), headers=_auth(key))
    assert response.status_code == 413
    assert response.json() == {"detail": "body is larger than 2000000 bytes"}


def test_reports_reach_the_tip_queue(api: tuple[TestClient, str], database: Database) -> None:
    client, key = api
    report = {
        "ad": _image(png()),
        "account": {
            "account_id": "acct-9",
            "email": "poster@example.com",
            "ip_address": "192.0.2.7",
        },
        "reason": "poster says she is 17",
    }
    response = client.post("/api/v1/reports", json=report, headers=_auth(key))
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    again = client.post("/api/v1/reports", json=report | {"reason": "again"}, headers=_auth(key))
    assert again.status_code == 202
    with database.transaction() as connection:
        queue = tip_queue(connection)
    assert [(lead.tips, lead.juvenile, lead.score) for lead in queue] == [(2, True, 14.0)]


def test_watchlist_download_holds_hashes_only(api: tuple[TestClient, str]) -> None:
    client, key = api
    response = client.get("/api/v1/watchlist", headers=_auth(key))
    body = response.json()
    assert response.status_code == 200
    assert (body["algorithm"], [e["kind"] for e in body["entries"]]) == ("HMAC-SHA256", ["phone"])
    assert "7025550142" not in response.text


def test_known_networks_raise_the_decision(
    api: tuple[TestClient, str], database: Database, settings: Settings
) -> None:
    seed(database, BlobStore(settings.blob_dir()))
    client, key = api
    ad = {"id": "n-1", "body": "Call 702-555-0142"}
    body = client.post("/api/v1/screen", json=ad, headers=_auth(key)).json()
    assert (body["decision"], body["score"]) == ("block", 5.0)
    assert [r["code"] for r in body["reasons"]] == ["rule:watchlist", "rule:juvenile-network"]


def test_schemathesis_finds_no_server_error(api: tuple[TestClient, str]) -> None:
    client, key = api
    app = client.app
    assert isinstance(app, FastAPI)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/v1/") or "/intercept" in operation.path:
            continue

        @hsettings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            case.call_and_validate(
                checks=[not_a_server_error, response_schema_conformance], headers=_auth(key)
            )

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.label}: {str(exc).splitlines()[0][:300]}")
    assert failures == []


@pytest.mark.slow
def test_a_platform_screens_sample_ads_over_loopback(tmp_path: Path) -> None:
    data = tmp_path / "var"
    settings = Settings(data_dir=data, secret_key="loopback-key")  # type: ignore[arg-type]
    database = Database.from_settings(settings)
    database.migrate()
    with database.transaction() as connection:
        _, key = create_platform(connection, "loopback", "admin")
    database.dispose()
    port = _free_port()
    env = os.environ | {"THREADLINE_DATA_DIR": str(data), "THREADLINE_SECRET_KEY": "loopback-key"}
    server = subprocess.Popen(
        [sys.executable, "-m", "threadline", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz")
        fields = ("id", "site", "url", "title", "body", "posted_at", "city", "region", "country")
        ads = [{k: r[k] for k in fields if r.get(k)} for r in generate_ads(20, 3, None)]
        with httpx.Client(base_url=base, headers=_auth(key), timeout=30) as client:
            answers = [client.post("/api/v1/screen", json=ad) for ad in ads]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert [a.status_code for a in answers] == [200] * 20
    assert {a.json()["decision"] for a in answers} <= {"allow", "review", "block"}
    assert [a.json()["ad_id"] for a in answers] == [ad["id"] for ad in ads]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
