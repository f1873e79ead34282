"""In-memory views that spare each screening call a query: the watchlist's keyed hashes
and the networks of identifiers seen lately."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from sqlalchemy import Connection

from threadline.screen._nearimages import Hashes, NearImages, image_variants
from threadline.store import FieldCipher
from threadline.store.screen import (
    IMAGE_HASHES_CONTEXT,
    WATCH_CONTEXT,
    NetworkMatch,
    NetworkRow,
    networks_by_identifier,
    summarize_networks,
    watch_images,
    watch_index,
)

TTL_SECONDS = 5.0  # entries added or removed elsewhere count within this time


class WatchCache:
    """Keyed hash -> kind of the active entries, reloaded when older than the TTL."""

    def __init__(
        self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._index: dict[str, str] = {}
        self._loaded = float("-inf")
        self._lock = threading.Lock()
        self._images = NearImages()
        self._images_loaded = float("-inf")
        self._opened: dict[tuple[int, str], Hashes] = {}  # sealed tokens already opened

    def kinds(self, connection: Connection, hashes: Sequence[str]) -> list[str]:
        """The kinds of the entries among these hashes, sorted and distinct."""
        index = self._current(connection)
        return sorted({index[h] for h in hashes if h in index})

    def near_image(self, connection: Connection, cipher: FieldCipher, hashes: str) -> bool:
        """Whether an image (its `hash_image` string) is a near copy of a watchlisted one."""
        return self._current_images(connection, cipher).hit(image_variants(hashes))

    def invalidate(self) -> None:
        """Reload at the next use (after a change made through this process)."""
        with self._lock:
            self._loaded = float("-inf")
            self._images_loaded = float("-inf")

    def _current_images(self, connection: Connection, cipher: FieldCipher) -> NearImages:
        now = self._clock()
        with self._lock:
            if now - self._images_loaded < self.ttl:
                return self._images
        opened: dict[tuple[int, str], Hashes] = {}
        for entry_id, value_enc, hashes_enc in watch_images(connection):
            token = hashes_enc or value_enc
            found = self._opened.get((entry_id, token))
            if found is None:
                context = IMAGE_HASHES_CONTEXT if hashes_enc else WATCH_CONTEXT
                found = image_variants(cipher.decrypt(token, context))
            opened[(entry_id, token)] = found
        images = NearImages(list(opened.values()))
        with self._lock:
            self._images, self._images_loaded, self._opened = images, now, opened
        return images

    def _current(self, connection: Connection) -> dict[str, str]:
        now = self._clock()
        with self._lock:
            if now - self._loaded < self.ttl:
                return self._index
        index = watch_index(connection)
        with self._lock:
            self._index, self._loaded = index, now
        return index


class NetworkCache:
    """The stored networks of each identifier seen lately; networks change only when
    `threadline analyze` runs, so entries live `ttl` seconds (bounded in number)."""

    def __init__(
        self,
        ttl: float = 60.0,
        limit: int = 200_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.limit = limit
        self._clock = clock
        self._entries: dict[tuple[str, str], tuple[float, tuple[NetworkRow, ...]]] = {}
        self._lock = threading.Lock()

    def match(self, connection: Connection, pairs: Sequence[tuple[str, str]]) -> NetworkMatch:
        """The networks that any of these identifiers belongs to, in summary."""
        now = self._clock()
        rows: set[NetworkRow] = set()
        missing = []
        with self._lock:
            for pair in pairs:
                entry = self._entries.get(pair)
                if entry is not None and now - entry[0] < self.ttl:
                    rows.update(entry[1])
                else:
                    missing.append(pair)
        if missing:
            found = networks_by_identifier(connection, missing)
            with self._lock:
                if len(self._entries) + len(found) > self.limit:
                    self._entries.clear()
                for pair, networks in found.items():
                    self._entries[pair] = (now, networks)
                    rows.update(networks)
        return summarize_networks(rows)
