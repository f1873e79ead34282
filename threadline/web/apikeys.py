"""Platform API keys for the screening API: bearer auth, per-key rate limit, refusals audited."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from threadline.screen import Journal, RateLimiter, Screener, audit_refusal
from threadline.settings import Settings
from threadline.store import BlobStore, Database
from threadline.store.screen import Platform, platform_for_key

_bearer = HTTPBearer(auto_error=False, description="The platform's API key.")
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class ScreenState:
    """What the screening routes share for the app's lifetime."""

    database: Database
    screener: Screener
    limiter: RateLimiter
    journal: Journal
    blobs: BlobStore
    settings: Settings


async def screen_state(request: Request) -> ScreenState:
    """The app's screening state, built on first use (keys, rules, limiter, journal)."""
    state = getattr(request.app.state, "screen", None)
    if isinstance(state, ScreenState):
        return state
    return await run_in_threadpool(_build_state, request)


def _build_state(request: Request) -> ScreenState:
    with _lock:
        state = getattr(request.app.state, "screen", None)
        if not isinstance(state, ScreenState):
            settings: Settings = request.app.state.settings
            state = ScreenState(
                database=request.app.state.db,
                screener=Screener.from_settings(settings),
                limiter=RateLimiter(settings.screen_rate_limit, settings.screen_rate_burst),
                journal=Journal(request.app.state.db),
                blobs=BlobStore(settings.blob_dir()),
                settings=settings,
            )
            request.app.state.screen = state
    return state


def peer(request: Request) -> str:
    """The caller's address as the server saw it."""
    return request.client.host if request.client else ""


async def platform_key(
    request: Request,
    state: Annotated[ScreenState, Depends(screen_state)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Platform:
    """The platform whose key is in `Authorization: Bearer`; 401, or 429 over its rate."""
    action = f"{request.method} {request.url.path}"
    if credentials is None or credentials.scheme.lower() != "bearer":
        await _refuse(state, "platform:?", action, "denied", request, 401, "missing API key")
    assert credentials is not None
    platform = await run_in_threadpool(_lookup, state.database, credentials.credentials)
    if platform is None:
        await _refuse(
            state, "platform:?", action, "denied", request, 401, "unknown or revoked API key"
        )
    assert platform is not None
    wait = state.limiter.take(platform.id)
    if wait:
        await _refuse(
            state, f"platform:{platform.name}", action, "rate_limited", request, 429,
            "rate limit exceeded", {"Retry-After": str(wait)},
        )  # fmt: skip
    return platform


def _lookup(database: Database, key: str) -> Platform | None:
    with database.engine.connect() as connection:
        return platform_for_key(connection, key)


async def _refuse(
    state: ScreenState,
    actor: str,
    action: str,
    outcome: str,
    request: Request,
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
) -> None:
    extra: dict[str, Any] = {"status": status}
    await run_in_threadpool(
        audit_refusal, state.database, actor, action, outcome, peer(request), extra
    )
    auth = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    raise HTTPException(status, detail, headers=(headers or {}) | auth)
