"""SMS webhooks (Twilio, Telnyx, Vonage) and the bot's runtime: intake queue, sender, HTTP.

Webhooks need no login: each is verified by its provider's signature instead, and a bad
signature is refused (403) and audited. An inbound message is committed before the answer
goes back; a retried delivery gets the same answer and is stored once.
"""

from __future__ import annotations

import asyncio
import http.client
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlsplit

import orjson
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.types import ASGIApp, Receive, Scope, Send

from threadline.errors import ThreadlineError
from threadline.intercept import (
    GATEWAYS,
    IGNORED,
    UNKNOWN_NUMBER,
    Gateway,
    Intake,
    IntakeQueue,
    InterceptConfig,
    OutboundRequest,
    Outcome,
    Secrets,
    Sender,
    SignatureError,
    WebReply,
    WebRequest,
    handle_batch,
)
from threadline.intercept._gateways import MAX_BODY_BYTES
from threadline.settings import Settings
from threadline.store import AuditEvent, Database, append_audit
from threadline.web.asgi import send_body
from threadline.web.auth import public

log = logging.getLogger(__name__)
router = APIRouter(dependencies=[Depends(public("SMS webhooks are verified by signature"))])


class InterceptRuntime:
    """The bot inside the web app: secrets, the group-commit queue, the sender thread."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.settings = settings
        self.database = database
        self.config = InterceptConfig.from_settings(settings)
        self.secrets = secrets_from(settings)
        self.intake: IntakeQueue | None = None
        self.sender: Sender | None = None

    def start(self) -> None:
        """Start the intake queue and, unless turned off, the sender."""
        lock = threading.Lock()  # one writer at a time in this process (see WriteLock)
        self.intake = IntakeQueue(self.database, self.config, lock)
        if self.settings.intercept_sender:
            transport = HttpTransport()
            self.sender = Sender(self.database, self.config, self.secrets, transport, lock=lock)

    def stop(self) -> None:
        """Drain the queue and stop both workers."""
        if self.sender is not None:
            self.sender.close()
        if self.intake is not None:
            self.intake.close()

    async def receive(self, gateway: Gateway, request: WebRequest, ip: str) -> WebReply:
        """Verify, parse, commit and answer one webhook call."""
        try:
            gateway.verify(request, self.secrets)
        except SignatureError as exc:
            await run_in_threadpool(self.audit_refusal, gateway.name, ip, exc.detail)
            return error_reply(exc)
        try:
            intake = gateway.parse(request)
        except ThreadlineError as exc:
            return error_reply(exc)
        if intake is None:
            return gateway.reply(Outcome(IGNORED))
        outcome = await self._submit(intake, gateway.inline)
        if outcome.status == UNKNOWN_NUMBER:
            return error_reply(ThreadlineError("no campaign on that number", 404))
        return gateway.reply(outcome)

    async def _submit(self, intake: Intake, inline: bool) -> Outcome:
        if self.intake is None:  # no lifespan (a bare TestClient): one transaction per call
            outcomes = await run_in_threadpool(
                handle_batch, self.database, self.config, [intake], [inline]
            )
            return outcomes[0]
        return await asyncio.wrap_future(self.intake.submit(intake, inline))

    def audit_refusal(self, gateway: str, ip: str, reason: str) -> None:
        """Record a refused webhook or API call in the audit log."""
        event = AuditEvent(
            f"gateway:{gateway}",
            "intercept.webhook",
            "gateway",
            gateway,
            ip,
            "denied",
            {"reason": reason},
        )
        with self.database.transaction() as connection:
            append_audit(connection, event)


class HttpTransport:
    """Carries out outbound requests over kept-alive HTTP(S) connections (one per host).

    The standard library's client: the sender thread is its only user, and it costs a fraction
    of a fuller client per request. 0 means the request did not get through.
    """

    def __init__(self, timeout: float = 10.0) -> None:
        self._timeout = timeout
        self._connections: dict[tuple[str, str], http.client.HTTPConnection] = {}

    def __call__(self, request: OutboundRequest) -> tuple[int, str]:
        """POST the request; (status, first part of the answer)."""
        url = urlsplit(request.url)
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        failure = ""
        for _attempt in range(2):  # a kept-alive socket the peer closed gets one fresh try
            try:
                connection = self._connection(url.scheme, url.netloc)
                connection.request(request.method, path, request.body, request.headers)
                answer = connection.getresponse()
                return answer.status, answer.read()[:200].decode("utf-8", "replace")
            except (OSError, http.client.HTTPException) as exc:
                self._connections.pop((url.scheme, url.netloc), None)
                failure = type(exc).__name__
        return 0, failure

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        key = (scheme, netloc)
        if key not in self._connections:
            kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            self._connections[key] = kind(netloc, timeout=self._timeout)
        return self._connections[key]


def secrets_from(settings: Settings) -> Secrets:
    """The gateway credentials the settings hold."""

    def value(secret: object) -> str:
        getter = getattr(secret, "get_secret_value", None)
        return str(getter()) if getter else str(secret or "")

    return Secrets(
        twilio_auth_token=value(settings.twilio_auth_token),
        twilio_account_sid=value(settings.twilio_account_sid),
        telnyx_public_key=value(settings.telnyx_public_key),
        telnyx_api_key=value(settings.telnyx_api_key),
        vonage_api_key=value(settings.vonage_api_key),
        vonage_api_secret=value(settings.vonage_api_secret),
        vonage_signature_secret=value(settings.vonage_signature_secret),
        json_api_secret=value(settings.intercept_api_secret),
        base_url=value(settings.sms_base_url),
    )


def runtime(app: FastAPI) -> InterceptRuntime:
    """The app's intercept runtime, made on first use when no lifespan made it."""
    found = getattr(app.state, "intercept", None)
    if not isinstance(found, InterceptRuntime):
        found = InterceptRuntime(app.state.settings, app.state.db)
        app.state.intercept = found
    return found


@asynccontextmanager
async def intercept_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the intake queue and the sender with the app; drain and stop them after."""
    bot = runtime(app)
    bot.start()
    try:
        yield
    finally:
        await run_in_threadpool(bot.stop)


async def get_runtime(request: Request) -> InterceptRuntime:
    """Dependency: the runtime of the app serving this request (async: no thread-pool hop)."""
    return runtime(request.app)


RuntimeDep = Annotated[InterceptRuntime, Depends(get_runtime)]


async def web_request(request: Request, settings: Settings) -> WebRequest:
    """The request as gateways see it: the signed URL, headers, and a bounded body."""
    body = await read_bounded(request)
    return WebRequest(
        url=signed_url(request, settings.public_url),
        content_type=request.headers.get("content-type", ""),
        body=body,
        headers={k.lower(): v for k, v in request.headers.items()},
        received_at=datetime.now(UTC),
    )


async def read_bounded(request: Request) -> bytes:
    """The body, refusing (413) anything over the limit without reading it all."""
    declared = request.headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ThreadlineError(f"body over {MAX_BODY_BYTES} bytes", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ThreadlineError(f"body over {MAX_BODY_BYTES} bytes", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def signed_url(request: Request, public_url: str | None) -> str:
    """The URL the provider signed: the public URL with this path and query, or our own."""
    if not public_url:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{public_url.rstrip('/')}{request.url.path}{query}"


def error_reply(exc: ThreadlineError) -> WebReply:
    """A JSON error with the reason."""
    return WebReply(exc.status, "application/json", orjson.dumps({"detail": exc.detail}))


def to_response(reply: WebReply) -> Response:
    """A FastAPI response from a gateway's reply."""
    return Response(reply.body, reply.status, media_type=reply.content_type)


async def receive(request: Request, bot: InterceptRuntime, provider: str) -> Response:
    """Verify, parse, commit and answer a webhook from one provider."""
    try:
        incoming = await web_request(request, bot.settings)
    except ThreadlineError as exc:
        return to_response(error_reply(exc))
    client = request.client.host if request.client else ""
    return to_response(await bot.receive(GATEWAYS[provider], incoming, client))


# The webhook routes the fast path serves: provider name by path.
WEBHOOKS = {"/sms/twilio": "twilio", "/sms/telnyx": "telnyx", "/sms/vonage": "vonage"}


class WebhookFastPath:
    """Serves the SMS webhooks straight from ASGI, ahead of FastAPI's routing.

    Routing, dependency solving and the Request/Response objects cost more CPU per webhook
    than verifying, parsing and committing the message; under load that is what limits the
    bot. The FastAPI routes below stay (same behaviour, same answers) for apps built without
    this middleware. Security headers and overload shedding still wrap it (it is installed
    innermost of the app's middleware).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a webhook POST here; pass everything else on."""
        provider = WEBHOOKS.get(scope["path"]) if scope["type"] == "http" else None
        if provider is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        bot = runtime(scope["app"])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            body = await read_scope_body(headers, receive)
        except ThreadlineError as exc:
            await send_reply(send, error_reply(exc))
            return
        incoming = WebRequest(
            url=scope_signed_url(scope, bot.settings.public_url),
            content_type=headers.get("content-type", ""),
            body=body,
            headers=headers,
            received_at=datetime.now(UTC),
        )
        client = scope.get("client")
        ip = str(client[0]) if client else ""
        try:
            reply = await bot.receive(GATEWAYS[provider], incoming, ip)
        except ThreadlineError as exc:  # what the app's handler answers on the routes
            reply = error_reply(exc)
        await send_reply(send, reply)


async def read_scope_body(headers: dict[str, str], receive: Receive) -> bytes:
    """The body from ASGI messages, refusing (413) anything over the limit (see read_bounded)."""
    declared = headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ThreadlineError(f"body over {MAX_BODY_BYTES} bytes", 413)
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away; what arrived is judged as it is
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ThreadlineError(f"body over {MAX_BODY_BYTES} bytes", 413)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def scope_signed_url(scope: Scope, public_url: str | None) -> str:
    """`signed_url` for a bare ASGI scope."""
    query = scope.get("query_string", b"").decode("latin-1")
    if not public_url:
        return str(URL(scope=scope))
    return f"{public_url.rstrip('/')}{scope['path']}" + (f"?{query}" if query else "")


async def send_reply(send: Send, reply: WebReply) -> None:
    """A gateway's reply as ASGI messages."""
    await send_body(send, reply.status, reply.content_type, reply.body)


@router.post("/sms/twilio")
async def twilio(request: Request, bot: RuntimeDep) -> Response:
    """Twilio messaging webhook (form, X-Twilio-Signature); replies as TwiML."""
    return await receive(request, bot, "twilio")


@router.post("/sms/telnyx")
async def telnyx(request: Request, bot: RuntimeDep) -> Response:
    """Telnyx messaging webhook (JSON, Ed25519 signature); replies go out by the API."""
    return await receive(request, bot, "telnyx")


@router.post("/sms/vonage")
async def vonage(request: Request, bot: RuntimeDep) -> Response:
    """Vonage inbound SMS (form or JSON, signed `sig`); replies go out by the API."""
    return await receive(request, bot, "vonage")
