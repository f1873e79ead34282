"""The raw-ASGI fast path for SMS webhooks answers exactly as the FastAPI routes do.

Two apps share one database: `fast` has the webhook routes taken out, so whatever it answers
on /sms/* came from `WebhookFastPath`; `routes` has the middleware taken out, so it answers
through FastAPI's routing. Each talks to the decoy from its own buyer number, so both
conversations start fresh and must go the same way: status, body and every header alike.
Everything else (other methods, other paths, CSRF) still reaches FastAPI through the fast path.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from tests.web.test_sms import DECOY, PRIVATE, TOKEN, bot_settings
from threadline.intercept import add_campaign, vonage_signature
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.tables import audit_log
from threadline.store.tables_intercept import intercept_messages
from threadline.web import create_app
from threadline.web.routers.sms import WEBHOOKS, WebhookFastPath

FAST_BUYER, ROUTES_BUYER = "+17025550143", "+17025550144"
FORM = "application/x-www-form-urlencoded"


@dataclass
class Twin:
    """One of the two apps, with the buyer number and message-id prefix it uses."""

    client: TestClient
    buyer: str
    prefix: str

    def twilio(
        self,
        sid: str,
        body: str,
        *,
        path: str = "/sms/twilio",
        signed_url: str = "http://testserver/sms/twilio",
        signature: str | None = None,
    ) -> Response:
        """A Twilio webhook from this twin's buyer, signed by the official validator."""
        form = {"MessageSid": self.prefix + sid, "From": self.buyer, "To": DECOY, "Body": body}
        signed = RequestValidator(TOKEN).compute_signature(signed_url, form)
        headers = {"X-Twilio-Signature": signature or signed, "Content-Type": FORM}
        return self.client.post(path, content=urlencode(form), headers=headers)


def fast_path_only(app: FastAPI) -> FastAPI:
    """The app without its webhook routes: only the fast path can answer on them."""
    app.router.routes = [r for r in app.router.routes if getattr(r, "path", "") not in WEBHOOKS]
    return app


def routes_only(app: FastAPI) -> FastAPI:
    """The app without the fast path: webhooks go through FastAPI's routing."""
    app.user_middleware = [m for m in app.user_middleware if m.cls is not WebhookFastPath]
    return app


@pytest.fixture
def twins(settings: Settings, database: Database) -> Iterator[tuple[Twin, Twin]]:
    """(fast path, FastAPI routes), both running, over one database with one campaign."""
    with database.transaction() as connection:
        add_campaign(connection, "c1", DECOY, "example-en", datetime.now(UTC))
    tuned = bot_settings(settings)
    fast = fast_path_only(create_app(tuned, database))
    routes = routes_only(create_app(tuned, database))
    with TestClient(fast) as fast_client, TestClient(routes) as routes_client:
        yield Twin(fast_client, FAST_BUYER, "FA"), Twin(routes_client, ROUTES_BUYER, "RT")


def answer(response: Response) -> tuple[int, bytes, list[tuple[str, str]]]:
    """What a client sees: status, body, and every header in order."""
    return response.status_code, response.content, list(response.headers.multi_items())


def count(database: Database, table, *where) -> int:  # type: ignore[no-untyped-def]
    with database.transaction() as connection:
        query = select(func.count()).select_from(table).where(*where)
        return int(connection.execute(query).scalar_one())


def sent_by(database: Database, buyer_sid_prefix: str) -> int:
    """Stored inbound messages whose provider id has this prefix."""
    column = intercept_messages.c.provider_message_id
    return count(database, intercept_messages, column.like(f"{buyer_sid_prefix}%"))


def test_a_whole_conversation_is_answered_byte_for_byte_alike(
    twins: tuple[Twin, Twin], database: Database
) -> None:
    fast, routes = twins
    bodies = ["hey", "how much", "my name is Sam", "where are you", "ok", "tonight?", "hello?"]
    for i, body in enumerate(bodies):
        assert answer(fast.twilio(f"{i}", body)) == answer(routes.twilio(f"{i}", body))
    first = fast.twilio("0", "hey")  # a retry: the same answer as the first time, stored once
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/xml; charset=utf-8"
    assert first.headers["content-security-policy"].startswith("default-src 'self'")
    assert "set-cookie" not in first.headers
    assert "<Message>hey, who is this?</Message>" in first.text
    assert answer(routes.twilio("0", "hey")) == answer(first)
    assert (sent_by(database, "FA"), sent_by(database, "RT")) == (7, 7)


def test_a_bad_signature_is_refused_and_audited_alike(
    twins: tuple[Twin, Twin], database: Database
) -> None:
    fast, routes = twins
    refused = fast.twilio("1", "hey", signature="AAAA")
    assert answer(refused) == answer(routes.twilio("1", "hey", signature="AAAA"))
    assert (refused.status_code, refused.json()) == (
        403,
        {"detail": "X-Twilio-Signature does not verify"},
    )
    assert count(database, intercept_messages) == 0
    with database.transaction() as connection:
        rows = connection.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.outcome)
            .where(audit_log.c.action == "intercept.webhook")
            .order_by(audit_log.c.seq)
        ).all()
    assert [tuple(row) for row in rows] == [("gateway:twilio", "intercept.webhook", "denied")] * 2


def test_the_signature_covers_the_query_string_on_both(twins: tuple[Twin, Twin]) -> None:
    fast, routes = twins
    path, url = "/sms/twilio?campaign=7", "http://testserver/sms/twilio?campaign=7"
    ok = fast.twilio("1", "hey", path=path, signed_url=url)
    assert answer(ok) == answer(routes.twilio("1", "hey", path=path, signed_url=url))
    assert ok.status_code == 200
    # Signed without the query, sent with it: refused by both.
    stripped = fast.twilio("2", "hey", path=path)
    assert answer(stripped) == answer(routes.twilio("2", "hey", path=path))
    assert stripped.status_code == 403


def test_the_public_url_is_what_both_verify(settings: Settings, database: Database) -> None:
    with database.transaction() as connection:
        add_campaign(connection, "c1", DECOY, "example-en", datetime.now(UTC))
    public = "https://bot.example.org/"
    tuned = bot_settings(settings, public_url=public)
    signed = "https://bot.example.org/sms/twilio"
    with (
        TestClient(fast_path_only(create_app(tuned, database))) as fast_client,
        TestClient(routes_only(create_app(tuned, database))) as routes_client,
    ):
        fast, routes = Twin(fast_client, FAST_BUYER, "FA"), Twin(routes_client, ROUTES_BUYER, "RT")
        ok = fast.twilio("1", "hey", signed_url=signed)
        assert answer(ok) == answer(routes.twilio("1", "hey", signed_url=signed))
        assert "<Message>hey, who is this?</Message>" in ok.text
        own = fast.twilio("2", "hey")  # signed for the request's own URL: not what is checked
        assert answer(own) == answer(routes.twilio("2", "hey"))
        assert own.status_code == 403


@pytest.mark.parametrize(
    ("content_type", "body", "status", "detail"),
    [
        (FORM, b"", 400, "missing field 'MessageSid'"),
        (FORM, b"MessageSid=SM1&To=%2B17025550100", 400, "missing field 'From'"),
        (FORM, b"MessageSid=SM1&From=%2B17025550143&To=%2B17025550100&Body=%C3%28", 400,
         "form body is not valid UTF-8 url-encoding"),
        ("application/json", b"{}", 415, "expected application/x-www-form-urlencoded"),
        ("", b"MessageSid=SM1", 415, "expected application/x-www-form-urlencoded"),
        (FORM, b"x" * 70_000, 413, "body over 65536 bytes"),
    ],
)  # fmt: skip
def test_malformed_forms_are_a_4xx_with_the_reason_alike_and_store_nothing(
    twins: tuple[Twin, Twin],
    database: Database,
    content_type: str,
    body: bytes,
    status: int,
    detail: str,
) -> None:
    fields = dict(pair.split("=", 1) for pair in body.decode("latin-1").split("&") if "=" in pair)
    fields = {k: v.replace("%2B", "+") for k, v in fields.items()}
    signature = RequestValidator(TOKEN).compute_signature("http://testserver/sms/twilio", fields)
    headers = {"X-Twilio-Signature": signature}
    if content_type:
        headers["Content-Type"] = content_type
    fast, routes = twins
    answers = [
        twin.client.post("/sms/twilio", content=body, headers=headers) for twin in (fast, routes)
    ]
    assert answer(answers[0]) == answer(answers[1])
    assert (answers[0].status_code, answers[0].json()) == (status, {"detail": detail})
    assert count(database, intercept_messages) == 0


def test_unknown_decoy_number_is_404_alike(twins: tuple[Twin, Twin]) -> None:
    form = {"MessageSid": "SM1", "From": FAST_BUYER, "To": "+17025550199", "Body": "hi"}
    signature = RequestValidator(TOKEN).compute_signature("http://testserver/sms/twilio", form)
    headers = {"X-Twilio-Signature": signature}
    answers = [twin.client.post("/sms/twilio", data=form, headers=headers) for twin in twins]
    assert answer(answers[0]) == answer(answers[1])
    assert (answers[0].status_code, answers[0].json()) == (
        404,
        {"detail": "no campaign on that number"},
    )


def test_telnyx_and_vonage_are_answered_alike(twins: tuple[Twin, Twin]) -> None:
    fast, routes = (telnyx_and_vonage(twin) for twin in twins)
    assert [answer(r) for r in fast] == [answer(r) for r in routes]
    statuses = [(r.status_code, r.json()) for r in fast]
    assert statuses == [
        (200, {"status": "ok", "queued": 1}),
        (200, {"status": "ok", "queued": 1}),
        (403, {"detail": "sig does not verify"}),
    ]


def telnyx_and_vonage(twin: Twin) -> list[Response]:
    """A signed Telnyx webhook, a signed Vonage one, and a forged Vonage one."""
    payload = {
        "id": f"{twin.prefix}-tx",
        "text": "hola",
        "from": {"phone_number": twin.buyer},
        "to": [{"phone_number": DECOY}],
    }
    body = json.dumps({"data": {"event_type": "message.received", "payload": payload}})
    stamp = str(int(time.time()))
    signature = base64.b64encode(PRIVATE.sign(f"{stamp}|{body}".encode())).decode()
    headers = {
        "Content-Type": "application/json",
        "telnyx-signature-ed25519": signature,
        "telnyx-timestamp": stamp,
    }
    fields = {
        "msisdn": twin.buyer[1:],
        "to": DECOY[1:],
        "messageId": f"{twin.prefix}-v",
        "text": "hey",
        "type": "text",
        "timestamp": stamp,
        "nonce": "n1",
    }
    signed = {**fields, "sig": vonage_signature("vonage-secret", fields)}
    return [
        twin.client.post("/sms/telnyx", content=body, headers=headers),
        twin.client.post("/sms/vonage", data=signed),
        twin.client.post("/sms/vonage", data={**signed, "text": "changed"}),
    ]


def test_other_methods_and_paths_still_go_through_fastapi(
    settings: Settings, database: Database
) -> None:
    with TestClient(create_app(bot_settings(settings), database)) as client:
        # Browser pages still get their CSRF cookie, and a form without the token is refused.
        page = client.get("/login")
        assert page.status_code == 200
        assert page.headers["set-cookie"].startswith("tl_csrf=")
        refused = client.post("/login", data={"username": "a", "password": "b"})
        assert refused.status_code == 403
        assert "CSRF token missing or wrong" in refused.text
        # Not a POST: FastAPI's router answers (the route exists for POST only).
        wrong_method = client.get("/sms/twilio")
        assert (wrong_method.status_code, wrong_method.json()) == (
            405,
            {"detail": "Method Not Allowed"},
        )
        assert client.get("/sms/nowhere").status_code == 404
        # The JSON API is not one of the fast path's webhooks: FastAPI checks its secret.
        api = client.post("/api/v1/intercept/messages", json={"id": "1"})
        assert api.status_code == 403
