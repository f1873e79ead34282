"""A small per-app cache for corpus-wide figures that only change when the corpus does."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from fastapi import Request

T = TypeVar("T")
TTL_SECONDS = 60.0


class CorpusCache:
    """Values kept until the corpus stamp changes or `ttl` seconds pass, whichever is first."""

    def __init__(self, ttl: float = TTL_SECONDS) -> None:
        self.ttl = ttl
        self._items: dict[str, tuple[float, Hashable, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, stamp: Hashable, build: Callable[[], T]) -> T:
        """The cached value for this key and stamp, or a freshly built one."""
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and hit[0] > now and hit[1] == stamp:
            return hit[2]  # type: ignore[no-any-return]
        value = build()
        with self._lock:
            self._items[key] = (now + self.ttl, stamp, value)
        return value


def corpus_cache(request: Request) -> CorpusCache:
    """The app's cache, made on first use."""
    state = request.app.state
    cache = getattr(state, "console_cache", None)
    if not isinstance(cache, CorpusCache):
        cache = CorpusCache()
        state.console_cache = cache
    return cache
