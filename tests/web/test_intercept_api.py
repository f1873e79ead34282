"""The intercept JSON API: shared-secret auth, messages, statistics, contact reports."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from threadline.intercept import add_campaign, json_signature
from threadline.intercept._report import canonical
from threadline.settings import Settings
from threadline.store import Database
from threadline.web import create_app

SECRET = "api-secret-for-tests"
BEARER = {"Authorization": f"Bearer {SECRET}"}
DECOY, BUYER = "+17025550100", "+17025550142"


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    """The app with the JSON API on and one campaign."""
    with database.transaction() as connection:
        add_campaign(connection, "c1", DECOY, "example-es", datetime.now(UTC))
    tuned = settings.model_copy(
        update={
            "intercept_api_secret": SECRET,
            "intercept_delay_scale": 0.0,
            "intercept_sender": False,
        }
    )
    with TestClient(create_app(tuned, database)) as test_client:
        yield test_client


def post(client: TestClient, message: dict[str, str], headers: dict[str, str] = BEARER):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/intercept/messages",
        content=json.dumps(message),
        headers={"Content-Type": "application/json", **headers},
    )


def message(n: int, body: str, sender: str = BUYER) -> dict[str, str]:
    return {"id": f"m{n}", "from": sender, "to": DECOY, "body": body}


def test_messages_answer_with_the_replies_due_now(client: TestClient) -> None:
    response = post(client, message(1, "hola"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "conversation_id": 1,
        "replies": [{"text": "hola, ¿quién eres?", "from": DECOY}],
        "queued": 0,
    }
    assert post(client, message(1, "hola")).json()["status"] == "duplicate"


def test_messages_accept_an_hmac_signature(client: TestClient) -> None:
    body = json.dumps(message(1, "hola"))
    signed = {
        "X-Threadline-Signature": json_signature(SECRET, body.encode()),
        "Content-Type": "application/json",
    }
    assert (
        client.post("/api/v1/intercept/messages", content=body, headers=signed).status_code == 200
    )


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"X-Threadline-Signature": "sha256=00"}],
)
def test_every_route_refuses_without_the_secret(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert post(client, message(1, "hola"), headers).status_code == 403
    assert client.get("/api/v1/intercept/stats", headers=headers).status_code == 403
    assert client.get("/api/v1/intercept/contacts/1/report", headers=headers).status_code == 403


def test_api_is_off_while_no_secret_is_set(settings: Settings, database: Database) -> None:
    with TestClient(create_app(settings, database)) as test_client:
        response = post(test_client, message(1, "hola"))
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "the JSON API is off: THREADLINE_INTERCEPT_API_SECRET is not set"},
    )


@pytest.mark.parametrize(
    ("body", "content_type", "status", "detail"),
    [
        (b"[]", "application/json", 400, "body is not a JSON object"),
        (b"{", "application/json", 400, "body is not valid UTF-8 JSON"),
        (b'{"id": "1", "from": "+1", "to": "+2"}', "application/json", 400, "missing field 'body'"),
        (b'{"id": "1"}', "text/plain", 415, "expected application/json"),
        (b"\xff", "application/json", 400, "body is not valid UTF-8 JSON"),
    ],
)
def test_bad_messages_are_4xx_with_a_reason(
    client: TestClient, body: bytes, content_type: str, status: int, detail: str
) -> None:
    response = client.post(
        "/api/v1/intercept/messages", content=body, headers={"Content-Type": content_type, **BEARER}
    )
    assert (response.status_code, response.json()) == (status, {"detail": detail})


def test_stats_have_the_headline_keys_and_chapman(client: TestClient) -> None:
    for n, body in enumerate(["hola", "cuánto", "me llamo Luis", "dónde", "ok", "hoy?"]):
        post(client, message(n, body))
    post(client, message(20, "hola", sender="+17025550143"))
    today = datetime.now(UTC).date().isoformat()
    response = client.get(f"/api/v1/intercept/stats?first={today}&second={today}", headers=BEARER)
    figures = response.json()
    assert {
        k: figures[k]
        for k in (
            "buyers",
            "messages",
            "conversations",
            "reached_deterrence",
            "repeat_rate",
            "continued_after_disclosure_rate",
        )
    } == {
        "buyers": 2,
        "messages": 7,
        "conversations": 2,
        "reached_deterrence": 1,
        "repeat_rate": 0.0,
        "continued_after_disclosure_rate": 1.0,
    }
    assert figures["capture_recapture"]["n1"] == 2
    assert figures["capture_recapture"]["estimate"] == 2.0


def test_stats_refuse_half_a_period(client: TestClient) -> None:
    response = client.get("/api/v1/intercept/stats?first=2026-11-01", headers=BEARER)
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "give both periods, first and second, or neither"},
    )


def test_report_as_json_and_html_with_the_same_digest(client: TestClient) -> None:
    post(client, message(1, "me llamo Luis"))
    as_json = client.get("/api/v1/intercept/contacts/1/report", headers=BEARER)
    as_html = client.get("/api/v1/intercept/contacts/1/report?format=html", headers=BEARER)
    assert as_json.status_code == as_html.status_code == 200
    digest = as_json.json()["sha256"]
    assert digest == hashlib.sha256(canonical(as_json.json()["report"])).hexdigest()
    assert as_json.headers["x-content-sha256"] == digest
    assert as_html.headers["x-content-sha256"] in as_html.text
    assert "me llamo Luis" in as_html.text
    assert client.get("/api/v1/intercept/contacts/99/report", headers=BEARER).status_code == 404
