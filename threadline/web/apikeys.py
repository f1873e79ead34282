"""Platform API keys for the screening API: bearer auth, per-key rate limit, refusals audited."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
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


KEY_CACHE_TTL = 30.0  # seconds; a revocation counts at once anyway (see `screening_platform`)


class KeyCache:
    """Platforms of keys verified lately, by the SHA-256 of the presented key (the key
    itself is not kept); bounded in size and in age."""

    def __init__(
        self,
        ttl: float = KEY_CACHE_TTL,
        limit: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.limit = limit
        self._clock = clock
        self._entries: dict[bytes, tuple[float, Platform]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Platform | None:
        """The cached platform of this key, if verified less than `ttl` seconds ago."""
        with self._lock:
            entry = self._entries.get(_digest(key))
        if entry is None or self._clock() - entry[0] >= self.ttl:
            return None
        return entry[1]

    def put(self, key: str, platform: Platform) -> None:
        """Remember a key just verified against the database."""
        with self._lock:
            if len(self._entries) >= self.limit:
                self._entries.clear()
            self._entries[_digest(key)] = (self._clock(), platform)

    def forget(self, key: str) -> None:
        """Drop a key found revoked."""
        with self._lock:
            self._entries.pop(_digest(key), None)


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


@dataclass(frozen=True, slots=True)
class ScreenState:
    """What the screening routes share for the app's lifetime."""

    database: Database
    screener: Screener
    limiter: RateLimiter
    journal: Journal
    blobs: BlobStore
    settings: Settings
    keys: KeyCache = field(default_factory=KeyCache)


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
    """The platform whose key is in `Authorization: Bearer`, checked in the database now;
    401, or 429 over its rate."""
    key = await _presented_key(state, request, credentials)
    platform = await run_in_threadpool(_lookup, state.database, key)
    return await _admit(state, request, key, platform)


async def screening_platform(
    request: Request,
    state: Annotated[ScreenState, Depends(screen_state)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Platform:
    """As `platform_key`, but a key verified lately comes from the cache. Only for the
    screening routes: `screen_ads` re-checks the key's row in the statement that reads the
    day's usage and answers 401 if it was revoked, so a revocation made by any process
    still counts on the next call."""
    key = await _presented_key(state, request, credentials)
    platform = state.keys.get(key)
    if platform is None:
        platform = await run_in_threadpool(_lookup, state.database, key)
        if platform is not None:
            state.keys.put(key, platform)
    return await _admit(state, request, key, platform)


async def refuse_revoked(state: ScreenState, request: Request) -> None:
    """Answer 401 (audited) for a key found revoked during the call, and forget it."""
    credentials = await _bearer(request)
    if credentials is not None:
        state.keys.forget(credentials.credentials)
    await _refuse(
        state, "platform:?", _action(request), "denied", request, 401, "unknown or revoked API key"
    )


def _action(request: Request) -> str:
    return f"{request.method} {request.url.path}"


async def _presented_key(
    state: ScreenState, request: Request, credentials: HTTPAuthorizationCredentials | None
) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer":
        await _refuse(
            state, "platform:?", _action(request), "denied", request, 401, "missing API key"
        )
    assert credentials is not None
    return credentials.credentials


async def _admit(
    state: ScreenState, request: Request, key: str, platform: Platform | None
) -> Platform:
    if platform is None:
        state.keys.forget(key)
        await _refuse(
            state, "platform:?", _action(request), "denied", request, 401,
            "unknown or revoked API key",
        )  # fmt: skip
    assert platform is not None
    wait = state.limiter.take(platform.id)
    if wait:
        await _refuse(
            state, f"platform:{platform.name}", _action(request), "rate_limited", request, 429,
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
