"""SMS gateways as pure functions: verify a webhook, parse it, shape the reply and sends.

No HTTP happens here: the web layer hands in a `WebRequest` and carries out an
`OutboundRequest`; the same functions serve the routes, the sender and the tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.sax.saxutils import escape

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from threadline.errors import InputError, ThreadlineError
from threadline.intercept._types import Intake, Outcome

MAX_BODY_BYTES = 64 * 1024
MAX_FIELD_CHARS = 20_000
REPLAY_WINDOW_SECONDS = 300
FORM = "application/x-www-form-urlencoded"


class SignatureError(ThreadlineError):
    """A webhook whose signature does not verify (or that no secret can verify)."""

    status = 403


class UnsupportedMediaError(ThreadlineError):
    """A webhook body in a content type the gateway does not take."""

    status = 415


@dataclass(frozen=True, slots=True)
class WebRequest:
    """The parts of an HTTP request a gateway looks at."""

    url: str  # the URL the provider signed (public URL + path + query)
    content_type: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class WebReply:
    """What to answer the provider."""

    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Secrets:
    """Credentials for verifying webhooks and sending messages (from the settings)."""

    twilio_auth_token: str = ""
    twilio_account_sid: str = ""
    telnyx_public_key: str = ""
    telnyx_api_key: str = ""
    vonage_api_key: str = ""
    vonage_api_secret: str = ""
    vonage_signature_secret: str = ""
    json_api_secret: str = ""
    base_url: str = ""  # overrides every provider's API base (a fake carrier in tests)


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A queued message ready to go out."""

    idempotency_key: str
    from_number: str
    to_number: str
    text: str


@dataclass(frozen=True, slots=True)
class OutboundRequest:
    """An HTTP request for the web layer to make."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class Gateway:
    """One provider: verify, parse, reply, send; `inline` = replies may ride the response."""

    name: str
    verify: Callable[[WebRequest, Secrets], None]
    parse: Callable[[WebRequest], Intake | None]
    reply: Callable[[Outcome], WebReply]
    send: Callable[[OutboundMessage, Secrets], OutboundRequest]
    inline: bool


def parse_form(request: WebRequest) -> list[tuple[str, str]]:
    """The form fields of a urlencoded body; clean 4xx errors for anything else."""
    if request.content_type.split(";")[0].strip().lower() != FORM:
        raise UnsupportedMediaError(f"expected {FORM}")
    try:
        text = request.body.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=200)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError("form body is not valid UTF-8 url-encoding") from exc


def parse_json_object(request: WebRequest) -> dict[str, Any]:
    """The JSON object in the body; clean 4xx errors for anything else."""
    if request.content_type.split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaError("expected application/json")
    try:
        value = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError("body is not valid UTF-8 JSON") from exc
    if not isinstance(value, dict):
        raise InputError("body is not a JSON object")
    return value


def required(fields: Mapping[str, Any], name: str, *, allow_empty: bool = False) -> str:
    """A field as a string of bounded length; InputError naming it when missing."""
    value = fields.get(name)
    if not isinstance(value, str) or (not value and not allow_empty):
        raise InputError(f"missing field {name!r}")
    if len(value) > MAX_FIELD_CHARS:
        raise InputError(f"field {name!r} is longer than {MAX_FIELD_CHARS} characters")
    if "\x00" in value:
        raise InputError(f"field {name!r} holds a NUL character")
    return value


# --- Twilio ---------------------------------------------------------------------------------


def twilio_signature(token: str, url: str, params: list[tuple[str, str]]) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 of the URL and the sorted name+value pairs."""
    data = url
    for name in sorted({n for n, _ in params}):
        for value in sorted({v for n, v in params if n == name}):
            data += name + value
    digest = hmac.new(token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _verify_twilio(request: WebRequest, secrets: Secrets) -> None:
    if not secrets.twilio_auth_token:
        raise SignatureError("THREADLINE_TWILIO_AUTH_TOKEN is not set")
    given = request.headers.get("x-twilio-signature", "")
    if not given:
        raise SignatureError("missing X-Twilio-Signature")
    params = parse_form(request)
    for url in _url_variants(request.url):
        expected = twilio_signature(secrets.twilio_auth_token, url, params)
        if hmac.compare_digest(expected, given):
            return
    raise SignatureError("X-Twilio-Signature does not verify")


def _url_variants(url: str) -> list[str]:
    # Twilio may sign with or without the default port; accept either, as its SDK does.
    try:
        parts = urlsplit(url)
        given_port = parts.port
    except ValueError:  # a Host header that is not a host: only the URL as given can match
        return [url]
    host = parts.netloc.rsplit("@", 1)[-1].rsplit(":", 1)[0] if given_port else parts.netloc
    port = given_port or {"https": 443, "http": 80}.get(parts.scheme)
    bare = urlunsplit(parts._replace(netloc=host))
    ported = urlunsplit(parts._replace(netloc=f"{host}:{port}")) if port else bare
    return list(dict.fromkeys([url, bare, ported]))


def _parse_twilio(request: WebRequest) -> Intake:
    fields = dict(parse_form(request))
    return Intake(
        "twilio",
        required(fields, "MessageSid"),
        required(fields, "From"),
        required(fields, "To"),
        required(fields, "Body", allow_empty=True) if "Body" in fields else "",
        request.received_at,
    )


def _reply_twilio(outcome: Outcome) -> WebReply:
    messages = "".join(f"<Message>{escape(r.text)}</Message>" for r in outcome.inline)
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response>{messages}</Response>'
    return WebReply(200, "text/xml; charset=utf-8", body.encode())


def _send_twilio(message: OutboundMessage, secrets: Secrets) -> OutboundRequest:
    base = secrets.base_url or "https://api.twilio.com"
    sid = secrets.twilio_account_sid
    credentials = base64.b64encode(f"{sid}:{secrets.twilio_auth_token}".encode()).decode()
    form = _urlencode({"To": message.to_number, "From": message.from_number, "Body": message.text})
    return OutboundRequest(
        "POST",
        f"{base.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json",
        _headers(message, FORM, f"Basic {credentials}"),
        form,
    )


# --- Telnyx ---------------------------------------------------------------------------------


def _verify_telnyx(request: WebRequest, secrets: Secrets) -> None:
    if not secrets.telnyx_public_key:
        raise SignatureError("THREADLINE_TELNYX_PUBLIC_KEY is not set")
    signature = request.headers.get("telnyx-signature-ed25519", "")
    timestamp = request.headers.get("telnyx-timestamp", "")
    _check_fresh(timestamp, request.received_at)
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(secrets.telnyx_public_key))
        key.verify(base64.b64decode(signature), timestamp.encode() + b"|" + request.body)
    except (InvalidSignature, ValueError) as exc:
        raise SignatureError("telnyx-signature-ed25519 does not verify") from exc


def _check_fresh(timestamp: str, now: datetime) -> None:
    # A signature over an old timestamp is a replay, whatever else it proves.
    try:
        age = abs(now.timestamp() - int(timestamp))
    except ValueError as exc:
        raise SignatureError("missing or unreadable signature timestamp") from exc
    if age > REPLAY_WINDOW_SECONDS:
        raise SignatureError("signature timestamp is too old or in the future")


def _parse_telnyx(request: WebRequest) -> Intake | None:
    data = parse_json_object(request).get("data")
    if not isinstance(data, dict):
        raise InputError("missing field 'data'")
    if data.get("event_type") != "message.received":
        return None
    payload = data.get("payload")
    if not isinstance(payload, dict):
        raise InputError("missing field 'data.payload'")
    to = payload.get("to")
    first_to = to[0] if isinstance(to, list) and to and isinstance(to[0], dict) else {}
    sender = payload.get("from")
    sender = sender if isinstance(sender, dict) else {}
    return Intake(
        "telnyx",
        required(payload, "id"),
        required(sender, "phone_number"),
        required(first_to, "phone_number"),
        required(payload, "text", allow_empty=True) if "text" in payload else "",
        request.received_at,
    )


def _send_telnyx(message: OutboundMessage, secrets: Secrets) -> OutboundRequest:
    base = secrets.base_url or "https://api.telnyx.com"
    body = {"from": message.from_number, "to": message.to_number, "text": message.text}
    return OutboundRequest(
        "POST",
        f"{base.rstrip('/')}/v2/messages",
        _headers(message, "application/json", f"Bearer {secrets.telnyx_api_key}"),
        json.dumps(body).encode(),
    )


# --- Vonage ---------------------------------------------------------------------------------


def vonage_signature(secret: str, params: Mapping[str, str]) -> str:
    """Vonage's signed `sig`: HMAC-SHA256 over `&name=value` pairs sorted by name."""
    hasher = hmac.new(secret.encode(), digestmod=hashlib.sha256)
    for name in sorted(params):
        if name == "sig":
            continue
        value = params[name].replace("&", "_").replace("=", "_")
        hasher.update(f"&{name}={value}".encode())
    return hasher.hexdigest()


def _vonage_fields(request: WebRequest) -> dict[str, str]:
    if request.content_type.split(";")[0].strip().lower() == "application/json":
        raw = parse_json_object(request)
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}
    return dict(parse_form(request))


def _verify_vonage(request: WebRequest, secrets: Secrets) -> None:
    if not secrets.vonage_signature_secret:
        raise SignatureError("THREADLINE_VONAGE_SIGNATURE_SECRET is not set")
    fields = _vonage_fields(request)
    _check_fresh(fields.get("timestamp", ""), request.received_at)
    expected = vonage_signature(secrets.vonage_signature_secret, fields)
    if not hmac.compare_digest(expected, fields.get("sig", "").lower()):
        raise SignatureError("sig does not verify")


def _parse_vonage(request: WebRequest) -> Intake:
    fields = _vonage_fields(request)
    return Intake(
        "vonage",
        required(fields, "messageId"),
        "+" + required(fields, "msisdn").lstrip("+"),
        "+" + required(fields, "to").lstrip("+"),
        required(fields, "text", allow_empty=True) if "text" in fields else "",
        request.received_at,
    )


def _send_vonage(message: OutboundMessage, secrets: Secrets) -> OutboundRequest:
    base = secrets.base_url or "https://rest.nexmo.com"
    form = _urlencode(
        {
            "api_key": secrets.vonage_api_key,
            "api_secret": secrets.vonage_api_secret,
            "from": message.from_number.lstrip("+"),
            "to": message.to_number.lstrip("+"),
            "text": message.text,
        }
    )
    return OutboundRequest(
        "POST", f"{base.rstrip('/')}/sms/json", _headers(message, FORM, ""), form
    )


# --- JSON API (tests and other channels) ----------------------------------------------------


def json_signature(secret: str, body: bytes) -> str:
    """`X-Threadline-Signature` value: `sha256=` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _verify_json(request: WebRequest, secrets: Secrets) -> None:
    secret = secrets.json_api_secret
    if not secret:
        raise SignatureError("the JSON API is off: THREADLINE_INTERCEPT_API_SECRET is not set")
    bearer = request.headers.get("authorization", "")
    if bearer.startswith("Bearer ") and hmac.compare_digest(bearer[7:].encode(), secret.encode()):
        return
    signed = request.headers.get("x-threadline-signature", "")
    if signed and hmac.compare_digest(signed, json_signature(secret, request.body)):
        return
    raise SignatureError("missing or wrong bearer token / X-Threadline-Signature")


def _parse_json(request: WebRequest) -> Intake:
    fields = parse_json_object(request)
    return Intake(
        "json",
        required(fields, "id"),
        required(fields, "from"),
        required(fields, "to"),
        required(fields, "body", allow_empty=True),
        request.received_at,
    )


def _reply_json(outcome: Outcome) -> WebReply:
    body = {
        "status": outcome.status,
        "conversation_id": outcome.conversation_id,
        "replies": [{"text": r.text, "from": r.from_number} for r in outcome.inline],
        "queued": outcome.queued,
    }
    return WebReply(200, "application/json", json.dumps(body, ensure_ascii=False).encode())


def _send_json(message: OutboundMessage, secrets: Secrets) -> OutboundRequest:
    if not secrets.base_url:
        raise InputError("json channel: THREADLINE_SMS_BASE_URL names no receiver")
    body = {
        "id": message.idempotency_key,
        "from": message.from_number,
        "to": message.to_number,
        "text": message.text,
    }
    bearer = f"Bearer {secrets.json_api_secret}" if secrets.json_api_secret else ""
    return OutboundRequest(
        "POST",
        f"{secrets.base_url.rstrip('/')}/json/messages",
        _headers(message, "application/json", bearer),
        json.dumps(body).encode(),
    )


def _reply_ack(outcome: Outcome) -> WebReply:
    body = {"status": outcome.status, "queued": outcome.queued}
    return WebReply(200, "application/json", json.dumps(body).encode())


def _headers(message: OutboundMessage, content_type: str, authorization: str) -> dict[str, str]:
    # The idempotency key lets a carrier (and the test carrier) drop a resend after a crash.
    headers = {"Content-Type": content_type, "Idempotency-Key": message.idempotency_key}
    if authorization:
        headers["Authorization"] = authorization
    return headers


def _urlencode(fields: Mapping[str, str]) -> bytes:
    return urlencode(fields).encode()


GATEWAYS: dict[str, Gateway] = {
    "json": Gateway("json", _verify_json, _parse_json, _reply_json, _send_json, inline=True),
    "telnyx": Gateway("telnyx", _verify_telnyx, _parse_telnyx, _reply_ack, _send_telnyx, False),
    "twilio": Gateway("twilio", _verify_twilio, _parse_twilio, _reply_twilio, _send_twilio, True),
    "vonage": Gateway("vonage", _verify_vonage, _parse_vonage, _reply_ack, _send_vonage, False),
}
