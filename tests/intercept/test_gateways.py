"""Gateways as pure functions: signatures against the providers' own algorithms, parsing
that fails only with clean 4xx errors, replies and outbound requests."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from threadline.errors import ThreadlineError
from threadline.intercept import (
    GATEWAYS,
    OK,
    Intake,
    OutboundMessage,
    Outcome,
    Reply,
    Secrets,
    SignatureError,
    WebRequest,
    json_signature,
    twilio_signature,
    vonage_signature,
)

NOW = datetime(2026, 11, 1, 20, 0, tzinfo=UTC)
FORM = "application/x-www-form-urlencoded"
URL = "https://bot.example.org/sms/twilio"
TWILIO_FORM = {"MessageSid": "SM1", "From": "+17025550142", "To": "+17025550100", "Body": "hi"}
PRIVATE = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = base64.b64encode(
    PRIVATE.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
).decode()
SECRETS = Secrets(
    twilio_auth_token="tw-token",
    twilio_account_sid="AC123",
    telnyx_public_key=PUBLIC,
    telnyx_api_key="tx-key",
    vonage_api_key="vk",
    vonage_api_secret="vs",
    vonage_signature_secret="v-sig-secret",
    json_api_secret="json-secret",
)


def twilio_request(
    form: dict[str, str], signature: str | None = None, url: str = URL
) -> WebRequest:
    sig = (
        signature
        if signature is not None
        else RequestValidator("tw-token").compute_signature(url, form)
    )
    return WebRequest(url, FORM, urlencode(form).encode(), {"x-twilio-signature": sig}, NOW)


@pytest.mark.parametrize(
    "form",
    [
        TWILIO_FORM,
        {**TWILIO_FORM, "Body": "¿dónde estás? & = + %"},
        {**TWILIO_FORM, "Body": ""},
        {"MessageSid": "SM2", "From": "+1", "To": "+2", "NumMedia": "0", "SmsStatus": "received"},
    ],
)
def test_twilio_signature_matches_the_official_validator(form: dict[str, str]) -> None:
    expected = RequestValidator("tw-token").compute_signature(URL, form)
    assert twilio_signature("tw-token", URL, sorted(form.items())) == expected
    GATEWAYS["twilio"].verify(twilio_request(form), SECRETS)


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (twilio_request(TWILIO_FORM, "bm90IGEgc2lnbmF0dXJl"), "X-Twilio-Signature does not verify"),
        (twilio_request(TWILIO_FORM, ""), "missing X-Twilio-Signature"),
        (
            twilio_request(
                {**TWILIO_FORM, "Body": "changed"},
                twilio_request(TWILIO_FORM).headers["x-twilio-signature"],
            ),
            "X-Twilio-Signature does not verify",
        ),
        (twilio_request(TWILIO_FORM, url="https://other.example.org/sms/twilio"), None),
    ],
)
def test_twilio_bad_signatures_are_refused(request_: WebRequest, reason: str | None) -> None:
    wrong_url = WebRequest(URL, FORM, request_.body, request_.headers, NOW)
    with pytest.raises(SignatureError) as caught:
        GATEWAYS["twilio"].verify(wrong_url if reason is None else request_, SECRETS)
    assert caught.value.status == 403
    assert caught.value.detail == (reason or "X-Twilio-Signature does not verify")


def test_twilio_signature_with_or_without_the_default_port() -> None:
    signed = twilio_request(TWILIO_FORM, url="https://bot.example.org:443/sms/twilio")
    GATEWAYS["twilio"].verify(WebRequest(URL, FORM, signed.body, signed.headers, NOW), SECRETS)


@pytest.mark.parametrize("url", ["http://bot.example.org:notaport/sms/twilio", "http://[::1/x"])
def test_twilio_odd_urls_are_refused_not_crashed(url: str) -> None:
    signed = twilio_request(TWILIO_FORM)
    with pytest.raises(SignatureError, match="does not verify"):
        GATEWAYS["twilio"].verify(WebRequest(url, FORM, signed.body, signed.headers, NOW), SECRETS)


def test_twilio_without_a_token_refuses_everything() -> None:
    with pytest.raises(SignatureError, match="THREADLINE_TWILIO_AUTH_TOKEN is not set"):
        GATEWAYS["twilio"].verify(twilio_request(TWILIO_FORM), Secrets())


def test_twilio_parse_and_twiml_reply() -> None:
    intake = GATEWAYS["twilio"].parse(twilio_request(TWILIO_FORM))
    assert intake == Intake("twilio", "SM1", "+17025550142", "+17025550100", "hi", NOW)
    reply = GATEWAYS["twilio"].reply(Outcome(OK, (Reply("a < b & c", "+1"), Reply("two", "+1"))))
    assert reply.body == (
        b'<?xml version="1.0" encoding="UTF-8"?><Response>'
        b"<Message>a &lt; b &amp; c</Message><Message>two</Message></Response>"
    )


def telnyx_request(
    body: bytes, timestamp: int | None = None, key: Ed25519PrivateKey = PRIVATE
) -> WebRequest:
    stamp = str(timestamp if timestamp is not None else int(NOW.timestamp()))
    signature = base64.b64encode(key.sign(stamp.encode() + b"|" + body)).decode()
    headers = {"telnyx-signature-ed25519": signature, "telnyx-timestamp": stamp}
    return WebRequest("https://bot.example.org/sms/telnyx", "application/json", body, headers, NOW)


TELNYX_BODY = json.dumps(
    {
        "data": {
            "event_type": "message.received",
            "id": "ev1",
            "payload": {
                "id": "msg-1",
                "text": "hola",
                "from": {"phone_number": "+17025550142"},
                "to": [{"phone_number": "+17025550100"}],
            },
        }
    }
).encode()


def test_telnyx_ed25519_signature_verifies_and_parses() -> None:
    request = telnyx_request(TELNYX_BODY)
    GATEWAYS["telnyx"].verify(request, SECRETS)
    assert GATEWAYS["telnyx"].parse(request) == Intake(
        "telnyx", "msg-1", "+17025550142", "+17025550100", "hola", NOW
    )


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (
            telnyx_request(TELNYX_BODY, key=Ed25519PrivateKey.from_private_bytes(bytes(32))),
            "telnyx-signature-ed25519 does not verify",
        ),
        (
            telnyx_request(TELNYX_BODY, timestamp=int(NOW.timestamp()) - 600),
            "signature timestamp is too old or in the future",
        ),
        (
            WebRequest("u", "application/json", TELNYX_BODY, {}, NOW),
            "missing or unreadable signature timestamp",
        ),
    ],
)
def test_telnyx_refuses_bad_signatures_and_replays(request_: WebRequest, reason: str) -> None:
    with pytest.raises(SignatureError) as caught:
        GATEWAYS["telnyx"].verify(request_, SECRETS)
    assert caught.value.detail == reason


def test_telnyx_other_events_are_ignored() -> None:
    body = json.dumps({"data": {"event_type": "message.sent", "payload": {}}}).encode()
    assert GATEWAYS["telnyx"].parse(telnyx_request(body)) is None


def vonage_request(fields: dict[str, str], secret: str = "v-sig-secret") -> WebRequest:
    signed = {**fields, "sig": vonage_signature(secret, fields)}
    return WebRequest("u", FORM, urlencode(signed).encode(), {}, NOW)


VONAGE = {
    "msisdn": "17025550142",
    "to": "17025550100",
    "messageId": "0A1",
    "text": "hi & bye=ok",
    "type": "text",
    "timestamp": str(int(NOW.timestamp())),
    "nonce": "n-1",
}


def test_vonage_signed_sig_verifies_and_parses() -> None:
    request = vonage_request(VONAGE)
    GATEWAYS["vonage"].verify(request, SECRETS)
    assert GATEWAYS["vonage"].parse(request) == Intake(
        "vonage", "0A1", "+17025550142", "+17025550100", "hi & bye=ok", NOW
    )


def test_vonage_sig_is_hmac_sha256_over_sorted_pairs() -> None:
    assert vonage_signature("s", {"b": "x&y", "a": "1=2"}) == (
        __import__("hmac").new(b"s", b"&a=1_2&b=x_y", "sha256").hexdigest()
    )


@pytest.mark.parametrize(
    ("fields", "secret", "reason"),
    [
        (VONAGE, "wrong", "sig does not verify"),
        (
            {**VONAGE, "timestamp": "1"},
            "v-sig-secret",
            "signature timestamp is too old or in the future",
        ),
    ],
)
def test_vonage_refuses_bad_sig_and_replays(
    fields: dict[str, str], secret: str, reason: str
) -> None:
    with pytest.raises(SignatureError, match=reason):
        GATEWAYS["vonage"].verify(vonage_request(fields, secret), SECRETS)


@pytest.mark.parametrize(
    ("headers", "ok"),
    [
        ({"authorization": "Bearer json-secret"}, True),
        ({"authorization": "Bearer wrong"}, False),
        ({"x-threadline-signature": json_signature("json-secret", b"{}")}, True),
        ({"x-threadline-signature": json_signature("wrong", b"{}")}, False),
        ({}, False),
    ],
)
def test_json_api_takes_a_bearer_token_or_an_hmac(headers: dict[str, str], ok: bool) -> None:
    request = WebRequest("u", "application/json", b"{}", headers, NOW)
    if ok:
        GATEWAYS["json"].verify(request, SECRETS)
    else:
        with pytest.raises(SignatureError):
            GATEWAYS["json"].verify(request, SECRETS)


@pytest.mark.parametrize(
    ("name", "url", "body"),
    [
        (
            "twilio",
            "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json",
            b"To=%2B17025550142&From=%2B17025550100&Body=bye",
        ),
        (
            "telnyx",
            "https://api.telnyx.com/v2/messages",
            b'{"from": "+17025550100", "to": "+17025550142", "text": "bye"}',
        ),
        (
            "vonage",
            "https://rest.nexmo.com/sms/json",
            b"api_key=vk&api_secret=vs&from=17025550100&to=17025550142&text=bye",
        ),
    ],
)
def test_outbound_requests_per_provider(name: str, url: str, body: bytes) -> None:
    request = GATEWAYS[name].send(
        OutboundMessage("outbox-7", "+17025550100", "+17025550142", "bye"), SECRETS
    )
    assert (request.method, request.url, request.body) == ("POST", url, body)
    assert request.headers["Idempotency-Key"] == "outbox-7"


def test_base_url_overrides_every_provider() -> None:
    local = Secrets(base_url="http://127.0.0.1:9999/", twilio_account_sid="AC1")
    message = OutboundMessage("k", "+1", "+2", "t")
    assert (
        GATEWAYS["twilio"].send(message, local).url
        == "http://127.0.0.1:9999/2010-04-01/Accounts/AC1/Messages.json"
    )
    assert GATEWAYS["json"].send(message, local).url == "http://127.0.0.1:9999/json/messages"


@pytest.mark.parametrize(
    ("content_type", "body", "status", "detail"),
    [
        ("text/plain", b"MessageSid=1", 415, f"expected {FORM}"),
        (FORM, b"\xff\xfe", 400, "form body is not valid UTF-8 url-encoding"),
        (FORM, b"Body=%FF", 400, "form body is not valid UTF-8 url-encoding"),
        (FORM, b"From=%2B1&To=%2B2", 400, "missing field 'MessageSid'"),
        (
            FORM,
            b"MessageSid=SM1&From=%2B1&To=%2B2&Body=" + b"x" * 20001,
            400,
            "field 'Body' is longer than 20000 characters",
        ),
        (
            FORM,
            b"MessageSid=SM1&From=%2B1&To=%2B2&Body=%00",
            400,
            "field 'Body' holds a NUL character",
        ),
    ],
)
def test_twilio_bad_bodies_are_clean_4xx(
    content_type: str, body: bytes, status: int, detail: str
) -> None:
    with pytest.raises(ThreadlineError) as caught:
        GATEWAYS["twilio"].parse(WebRequest(URL, content_type, body, {}, NOW))
    assert (caught.value.status, caught.value.detail) == (status, detail)


@settings(max_examples=300, deadline=None)
@given(
    body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
    name=st.sampled_from(sorted(GATEWAYS)),
    content_type=st.sampled_from([FORM, "application/json", "text/plain", ""]),
)
def test_parsing_arbitrary_bodies_never_raises_anything_but_a_clean_4xx(
    body: bytes, name: str, content_type: str
) -> None:
    request = WebRequest(URL, content_type, body, {}, NOW)
    for action in (
        lambda: GATEWAYS[name].parse(request),
        lambda: GATEWAYS[name].verify(request, SECRETS),
    ):
        status = _status_of(action)
        assert status == 0 or 400 <= status < 500


@settings(max_examples=200, deadline=None)
@given(
    fields=st.dictionaries(
        st.sampled_from(["MessageSid", "From", "To", "Body", "X"]), st.text(max_size=40)
    )
)
def test_parsing_arbitrary_twilio_forms_gives_an_intake_or_a_4xx(fields: dict[str, str]) -> None:
    request = WebRequest(URL, FORM, urlencode(fields).encode(), {}, NOW)
    status = _status_of(lambda: GATEWAYS["twilio"].parse(request))
    complete = {"MessageSid", "From", "To"} <= {k for k, v in fields.items() if v}
    used = [v for k, v in fields.items() if k != "X"]  # an unknown field is ignored
    assert status == (0 if complete and all("\x00" not in v for v in used) else 400)


def _status_of(action: Callable[[], object]) -> int:
    """0 when the action returns, else the status of the ThreadlineError it raises."""
    try:
        action()
    except ThreadlineError as exc:
        return exc.status
    return 0
