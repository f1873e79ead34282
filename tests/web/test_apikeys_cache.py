"""The cache of verified platform keys: by digest, bounded in age and size."""

from __future__ import annotations

from datetime import UTC, datetime

from threadline.store.screen import Platform
from threadline.web.apikeys import KeyCache

PLATFORM = Platform(1, "listings", "tlk_abc", "salt", None, datetime(2026, 1, 1, tzinfo=UTC), None)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_key_cache_answers_within_its_ttl_only() -> None:
    clock = Clock()
    cache = KeyCache(ttl=30.0, clock=clock)
    cache.put("tlk_secret", PLATFORM)
    clock.now = 129.9
    assert (cache.get("tlk_secret"), cache.get("tlk_other")) == (PLATFORM, None)
    clock.now = 130.0
    assert cache.get("tlk_secret") is None


def test_key_cache_forgets_a_key_and_keeps_no_plain_key() -> None:
    cache = KeyCache()
    cache.put("tlk_secret", PLATFORM)
    assert "tlk_secret" not in repr(vars(cache))
    cache.forget("tlk_secret")
    assert cache.get("tlk_secret") is None


def test_key_cache_is_bounded_in_size() -> None:
    cache = KeyCache(limit=2)
    for key in ("tlk_a", "tlk_b", "tlk_c"):
        cache.put(key, PLATFORM)
    assert [cache.get(k) for k in ("tlk_a", "tlk_b", "tlk_c")] == [None, None, PLATFORM]
