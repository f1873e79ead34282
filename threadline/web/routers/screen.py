"""The screening API for ad platforms: screen, batch, reports, the hashed watchlist."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

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
from threadline.web.auth import public

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
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
