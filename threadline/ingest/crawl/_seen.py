"""A duplicate-request filter kept on disk, so a crawl's memory does not grow with its pages.

Scrapy's own filter keeps every request fingerprint in a Python set (about 0.2 KB a page
with the set's overhead). This one keeps them in a SQLite file beside the crawl's WARC files,
with a bounded page cache, and removes the file when the crawl closes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.request import RequestFingerprinterProtocol

__all__ = ["DiskDupeFilter"]

_CACHE_KIB = 4096  # SQLite's page cache for the file, in KiB: the filter's whole footprint


class DiskDupeFilter(RFPDupeFilter):
    """Seen request fingerprints in a SQLite file (THREADLINE_SEEN_PATH)."""

    def __init__(self, path: Path, fingerprinter: RequestFingerprinterProtocol) -> None:
        super().__init__(fingerprinter=fingerprinter)
        self.path = path
        path.unlink(missing_ok=True)  # a file left by a killed crawl is not this crawl's
        # Nothing here must survive a crash, so no journal and no fsync.
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
        self.db.execute("CREATE TABLE seen (fingerprint BLOB PRIMARY KEY) WITHOUT ROWID")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskDupeFilter:
        """The file named by the crawl's settings."""
        path = Path(crawler.settings.get("THREADLINE_SEEN_PATH"))
        return cls(path, crawler.request_fingerprinter)

    def request_seen(self, request: Request) -> bool:
        """True when this request's fingerprint was seen before; records it otherwise."""
        fingerprint = self.fingerprinter.fingerprint(request)
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO seen (fingerprint) VALUES (?)", (fingerprint,)
        )
        return cursor.rowcount == 0

    def close(self, reason: str) -> None:
        """Drop the file: the fingerprints were only for this crawl."""
        self.db.close()
        self.path.unlink(missing_ok=True)
