"""SMS webhooks end to end: Twilio signed by the official validator, greeting to deterrence;
retries, opt-out, bad signatures (403, audited), bad input (4xx, never 5xx), Telnyx, Vonage,
and the sender against a fake carrier on loopback."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from threadline.intercept import add_campaign, vonage_signature
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.tables import audit_log
from threadline.store.tables_intercept import intercept_messages, intercept_outbox
from threadline.web import create_app

TOKEN = "twilio-test-token"
DECOY, BUYER = "+17025550100", "+17025550142"
URL = "http://testserver/sms/twilio"
PRIVATE = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
PUBLIC = base64.b64encode(
    PRIVATE.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
).decode()


def bot_settings(settings: Settings, **extra: object) -> Settings:
    """The test settings with the bot's credentials, replies at once, no background sender."""
    values = {
        "twilio_auth_token": TOKEN,
        "telnyx_public_key": PUBLIC,
        "vonage_signature_secret": "vonage-secret",
        "intercept_delay_scale": 0.0,
        "intercept_sender": False,
        **extra,
    }
    return settings.model_copy(update=values)


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    """A running app (lifespan and all) with one campaign on the English example."""
    with database.transaction() as connection:
        add_campaign(connection, "c1", DECOY, "example-en", datetime.now(UTC))
    with TestClient(create_app(bot_settings(settings), database)) as test_client:
        yield test_client


def twilio(
    client: TestClient, sid: str, body: str, sender: str = BUYER, signature: str | None = None
):  # type: ignore[no-untyped-def]
    form = {"MessageSid": sid, "From": sender, "To": DECOY, "Body": body, "NumMedia": "0"}
    signed = RequestValidator(TOKEN).compute_signature(URL, form)
    headers = {"X-Twilio-Signature": signature if signature is not None else signed}
    return client.post(
        "/sms/twilio",
        content=urlencode(form),
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    text = response.text
    return [part.split("</Message>")[0] for part in text.split("<Message>")[1:]]


def count(database: Database, table, *where) -> int:  # type: ignore[no-untyped-def]
    with database.transaction() as connection:
        return int(
            connection.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
        )


def test_twilio_conversation_runs_from_greeting_to_deterrence(
    client: TestClient, database: Database
) -> None:
    bodies = ["hey", "how much", "my name is Sam", "where are you", "ok", "tonight?"]
    answers = [messages_of(twilio(client, f"SM{i}", body)) for i, body in enumerate(bodies)]
    assert answers[:5] == [
        ["hey, who is this?"],
        ["not over text"],
        ["just so you know, I'm 16"],
        ["which part of town are you in?"],
        ["ok. what's your name?"],
    ]
    assert len(answers[5]) == 3
    assert answers[5][0].startswith("This is not a real person.")
    assert "1-800-555-0188" in answers[5][2]
    assert messages_of(twilio(client, "SM9", "hello?")) == []
    assert count(database, intercept_messages) == 7 + 5 + 3


def test_twilio_retry_is_answered_the_same_and_stored_once(
    client: TestClient, database: Database
) -> None:
    first = twilio(client, "SM1", "hey")
    again = twilio(client, "SM1", "hey")
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.text == again.text
    assert count(database, intercept_messages) == 2


def test_twilio_opt_out_ends_the_conversation(client: TestClient, database: Database) -> None:
    assert messages_of(twilio(client, "SM1", "hey")) == ["hey, who is this?"]
    assert messages_of(twilio(client, "SM2", "STOP")) == []
    assert messages_of(twilio(client, "SM3", "hello?")) == []
    assert messages_of(twilio(client, "SM4", "how much")) == []
    assert count(database, intercept_messages, intercept_messages.c.direction == "out") == 1


def test_bad_signature_is_403_audited_and_not_stored(
    client: TestClient, database: Database
) -> None:
    response = twilio(client, "SM1", "hey", signature="AAAA")
    assert response.status_code == 403
    assert response.json() == {"detail": "X-Twilio-Signature does not verify"}
    assert count(database, intercept_messages) == 0
    with database.transaction() as connection:
        row = connection.execute(select(audit_log).order_by(audit_log.c.seq.desc())).first()
    assert row is not None
    assert (row.actor, row.action, row.outcome) == ("gateway:twilio", "intercept.webhook", "denied")


@pytest.mark.parametrize(
    ("content_type", "body", "status", "detail"),
    [
        ("application/x-www-form-urlencoded", b"", 400, "missing field 'MessageSid'"),
        (
            "application/x-www-form-urlencoded",
            b"MessageSid=SM1&To=%2B17025550100",
            400,
            "missing field 'From'",
        ),
        ("application/json", b"{}", 415, "expected application/x-www-form-urlencoded"),
        (
            "application/x-www-form-urlencoded",
            b"Body=%C3%28",
            400,
            "form body is not valid UTF-8 url-encoding",
        ),
    ],
)
def test_twilio_bad_input_is_a_4xx_with_a_reason(
    client: TestClient, content_type: str, body: bytes, status: int, detail: str
) -> None:
    params = dict(parse_qsl(body.decode("latin-1")))
    signature = RequestValidator(TOKEN).compute_signature(URL, params)
    response = client.post(
        "/sms/twilio",
        content=body,
        headers={"Content-Type": content_type, "X-Twilio-Signature": signature},
    )
    assert (response.status_code, response.json()) == (status, {"detail": detail})


@pytest.mark.parametrize("body", ["", "x" * 10_000, "héllo 👋 \u202e", "<Message>&amp;"])
def test_twilio_odd_bodies_get_a_normal_reply(client: TestClient, body: str) -> None:
    response = twilio(client, "SM1", body)
    assert response.status_code == 200
    assert len(messages_of(response)) == 1


def test_unknown_decoy_number_is_404(client: TestClient) -> None:
    form = {"MessageSid": "SM1", "From": BUYER, "To": "+17025550199", "Body": "hi"}
    signature = RequestValidator(TOKEN).compute_signature(URL, form)
    response = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": signature})
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "no campaign on that number"},
    )


def test_oversized_body_is_413(client: TestClient) -> None:
    response = client.post(
        "/sms/twilio",
        content=b"x" * 70_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


def test_public_url_is_what_twilio_signs(settings: Settings, database: Database) -> None:
    with database.transaction() as connection:
        add_campaign(connection, "c1", DECOY, "example-en", datetime.now(UTC))
    public = "https://bot.example.org"
    app = create_app(bot_settings(settings, public_url=public), database)
    form = {"MessageSid": "SM1", "From": BUYER, "To": DECOY, "Body": "hey"}
    signature = RequestValidator(TOKEN).compute_signature(f"{public}/sms/twilio", form)
    with TestClient(app) as test_client:
        response = test_client.post(
            "/sms/twilio", data=form, headers={"X-Twilio-Signature": signature}
        )
    assert messages_of(response) == ["hey, who is this?"]


def test_telnyx_webhook_is_verified_stored_and_queued(
    client: TestClient, database: Database
) -> None:
    body = json.dumps(
        {
            "data": {
                "event_type": "message.received",
                "payload": {
                    "id": "tx-1",
                    "text": "hola",
                    "from": {"phone_number": BUYER},
                    "to": [{"phone_number": DECOY}],
                },
            }
        }
    ).encode()
    stamp = str(int(time.time()))
    signature = base64.b64encode(PRIVATE.sign(stamp.encode() + b"|" + body)).decode()
    headers = {
        "Content-Type": "application/json",
        "telnyx-signature-ed25519": signature,
        "telnyx-timestamp": stamp,
    }
    response = client.post("/sms/telnyx", content=body, headers=headers)
    assert (response.status_code, response.json()) == (200, {"status": "ok", "queued": 1})
    assert client.post("/sms/telnyx", content=body + b" ", headers=headers).status_code == 403
    assert count(database, intercept_outbox) == 1


def test_vonage_webhook_is_verified_stored_and_queued(
    client: TestClient, database: Database
) -> None:
    fields = {
        "msisdn": BUYER[1:],
        "to": DECOY[1:],
        "messageId": "v-1",
        "text": "hey",
        "type": "text",
        "timestamp": str(int(time.time())),
        "nonce": "n1",
    }
    signed = {**fields, "sig": vonage_signature("vonage-secret", fields)}
    response = client.post("/sms/vonage", data=signed)
    assert (response.status_code, response.json()) == (200, {"status": "ok", "queued": 1})
    forged = {**fields, "text": "changed", "sig": signed["sig"]}
    assert client.post("/sms/vonage", data=forged).status_code == 403


class FakeCarrier(BaseHTTPRequestHandler):
    """Records every POST on loopback and answers 201."""

    received: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        FakeCarrier.received.append((self.path, dict(self.headers), body))
        self.send_response(201)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def carrier() -> Iterator[str]:
    """A fake carrier on 127.0.0.1; its base URL."""
    FakeCarrier.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCarrier)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_delayed_deterrence_goes_out_through_the_sender_to_the_carrier(
    settings: Settings, database: Database, carrier: str
) -> None:
    with database.transaction() as connection:
        add_campaign(connection, "c1", DECOY, "example-en", datetime.now(UTC))
    tuned = bot_settings(
        settings,
        intercept_delay_scale=0.001,
        intercept_sender=True,
        sms_base_url=carrier,
        twilio_account_sid="AC1",
    )
    with TestClient(create_app(tuned, database)) as test_client:
        for i, body in enumerate(["a", "b", "c", "d", "e", "f"]):
            assert messages_of(twilio(test_client, f"SM{i}", body)) == []
        deadline = time.monotonic() + 15
        while len(FakeCarrier.received) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
    paths = {path for path, _, _ in FakeCarrier.received}
    assert paths == {"/2010-04-01/Accounts/AC1/Messages.json"}
    assert len(FakeCarrier.received) == 8
    keys = [headers["Idempotency-Key"] for _, headers, _ in FakeCarrier.received]
    assert len(set(keys)) == 8
    assert b"This+is+not+a+real+person" in FakeCarrier.received[5][2]
    assert count(database, intercept_outbox, intercept_outbox.c.status == "sent") == 8
