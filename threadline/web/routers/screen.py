"""The screening API for ad platforms: screen, batch, reports, the hashed watchlist."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from threadline.screen import (
    AdIn,
    BatchIn,
    BatchOut,
    QuotaExceededError,
    ReportIn,
    ReportOut,
    RevokedKeyError,
    ScreenOut,
    WatchlistDownload,
    file_report,
    hashed_watchlist,
    screen_ads,
)
from threadline.store.screen import Platform
from threadline.web.apikeys import (
    ScreenState,
    peer,
    platform_key,
    refuse_revoked,
    screen_state,
    screening_platform,
)
from threadline.web.asgi import replaying, send_body
from threadline.web.auth import public

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
SCREEN_PATH = "/api/v1/screen"
BATCH_PATH = "/api/v1/screen/batch"


class LimitedBodyRoute(APIRoute):
    """A route that reads at most the configured number of body bytes, else answers 413."""

    def get_route_handler(self) -> Handler:
        """Wrap FastAPI's handler with a bounded body read."""
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            settings = request.app.state.settings
            batch = request.url.path == BATCH_PATH
            limit = settings.screen_max_batch_bytes if batch else settings.screen_max_body_bytes
            request._body = await _read_at_most(request, limit)  # FastAPI reads it from here
            return await handler(request)

        return limited


async def _read_at_most(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"body is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, unknown or revoked API key."},
    413: {"description": "Body larger than the configured limit."},
    422: {"description": "Malformed JSON, missing or unknown fields, bad base64 or images."},
    429: {"description": "Rate limit or daily quota exceeded; see Retry-After."},
}
router = APIRouter(
    prefix="/api/v1",
    tags=["screening"],
    route_class=LimitedBodyRoute,
    responses=ERRORS,
    dependencies=[Depends(public("platforms authenticate with their own API keys"))],
)
State = Annotated[ScreenState, Depends(screen_state)]
Caller = Annotated[Platform, Depends(platform_key)]
Screening = Annotated[Platform, Depends(screening_platform)]


# Handlers are async and hand the blocking work to the thread pool in one step: a sync
# handler would also serialize its response in the pool, two hops per call instead of one.
# The screening answers are built as pydantic models already; they are written out as
# JSON directly rather than validated a second time by FastAPI's response_model.
@router.post("/screen", response_model=ScreenOut)
async def screen(ad: AdIn, request: Request, state: State, platform: Screening) -> Response:
    """Screen one ad: decision, score, reasons with spans, watchlist hit (never which entry)."""
    results = await _screen(state, platform, [ad], request)
    return _json(results[0])


@router.post("/screen/batch", response_model=BatchOut)
async def screen_batch(
    batch: BatchIn, request: Request, state: State, platform: Screening
) -> Response:
    """Screen up to 1,000 ads; results in the order sent."""
    return _json(BatchOut(results=await _screen(state, platform, batch.ads, request)))


@router.post("/reports", response_model=ReportOut, status_code=202)
async def report(body: ReportIn, request: Request, state: State, platform: Caller) -> ReportOut:
    """Forward a suspicious ad with the platform's account data to the investigators' queue."""
    return await run_in_threadpool(
        file_report, state.database, state.blobs, state.screener, platform, body, peer(request)
    )


@router.get("/watchlist", response_model=WatchlistDownload)
async def watchlist(request: Request, state: State, platform: Caller) -> WatchlistDownload:
    """The watchlist as keyed hashes under this platform's own key, for offline matching."""
    return await run_in_threadpool(
        hashed_watchlist, state.database, state.screener, platform, peer(request)
    )


def _json(body: BaseModel) -> Response:
    return Response(body.model_dump_json(), media_type="application/json")


async def _screen(
    state: ScreenState, platform: Platform, ads: list[AdIn], request: Request
) -> list[ScreenOut]:
    try:
        return await run_in_threadpool(
            screen_ads, state.database, state.screener, platform, ads, peer(request), state.journal
        )
    except RevokedKeyError:
        await refuse_revoked(state, request)
        raise  # not reached: refuse_revoked raises the 401
    except QuotaExceededError as exc:
        raise HTTPException(429, exc.detail, headers={"Retry-After": str(exc.retry_after)}) from exc


class ScreenFastPath:
    """Serves the ordinary single-ad screen straight from ASGI, ahead of FastAPI's routing.

    At 200 screens a second, routing, dependency solving and the Request/Response objects
    cost about as much CPU as screening itself, on a server that has one core for it. Only
    the plain case is served here: a JSON body within the limit that validates, from a key
    verified lately (in the key cache) that is within its rate. Everything else (no or
    unknown key, a bad or oversized body, rate limit, quota, a key revoked meanwhile) goes on
    to the FastAPI route above with the body replayed, so every refusal is answered and
    audited by one code path. Security headers and overload shedding still wrap it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Screen a plain call here; pass everything else on."""
        if scope["type"] != "http" or scope["path"] != SCREEN_PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        state = getattr(scope["app"].state, "screen", None)  # built by the route's first call
        headers = dict(scope["headers"])
        platform = _cached_platform(state, headers)
        if not isinstance(state, ScreenState) or platform is None or not _is_json(headers):
            await self.app(scope, receive, send)
            return
        limit = state.settings.screen_max_body_bytes
        messages, body = await _read_body(headers, receive, limit)
        ad = _plain_ad(body)
        if ad is None or state.limiter.take(platform.id):
            await self.app(scope, replaying(messages, receive), send)
            return
        client = scope.get("client")
        ip = str(client[0]) if client else ""
        try:
            results = await run_in_threadpool(
                screen_ads, state.database, state.screener, platform, [ad], ip, state.journal
            )
        except (RevokedKeyError, QuotaExceededError):
            # Refused before anything was stored; the route answers, audits and forgets
            # the key (it takes a second rate-limit token, which only a refused call spends).
            await self.app(scope, replaying(messages, receive), send)
            return
        await send_body(send, 200, "application/json", results[0].model_dump_json().encode())


def _cached_platform(state: object, headers: dict[bytes, bytes]) -> Platform | None:
    """The platform of a bearer key verified lately, or None (the route then decides)."""
    scheme, _, key = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    if not isinstance(state, ScreenState) or scheme.lower() != "bearer" or not key:
        return None
    return state.keys.get(key)


def _is_json(headers: dict[bytes, bytes]) -> bool:
    content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return content_type == b"application/json"


async def _read_body(
    headers: dict[bytes, bytes], receive: Receive, limit: int
) -> tuple[list[Message], bytes | None]:
    """The messages read and the whole body; the body is None when it is over `limit` bytes
    (declared or sent) or the client went away. The messages are kept to replay if this
    path declines the call."""
    declared = headers.get(b"content-length", b"")
    if declared.isdigit() and int(declared) > limit:
        return [], None
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        size += len(message.get("body", b""))
        if size > limit:
            return messages, None
        if not message.get("more_body", False):
            return messages, b"".join(m.get("body", b"") for m in messages)


def _plain_ad(body: bytes | None) -> AdIn | None:
    """The ad of a body that parses and validates; None for anything else. orjson is
    stricter than the route's JSON parser, so what it accepts the route parses alike."""
    if body is None:
        return None
    try:
        return AdIn.model_validate(orjson.loads(body))
    except (orjson.JSONDecodeError, ValidationError):
        return None
