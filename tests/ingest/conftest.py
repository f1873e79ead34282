"""Fixtures of the collection tests: the local test site on loopback, and a collector for it.

`synth_site` (40 ads with images) and `bad_site` (12 ads and the pages that break crawlers)
are served once per test module. `collector` crawls a served site into a test's database
with politeness off (no delay, 8 requests in flight, short retries and timeouts); its
`options(...)` and `env()` give the same settings to the library and to `threadline collect`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from threadline.ingest.collect import CollectOptions, CollectReport, collect_once
from threadline.ingest.mapping import resolve_mapping
from threadline.store import BlobStore, Database
from threadline.synth import SynthSite

USER_AGENT = "Threadline-collector (operated by tests)"


@dataclass(frozen=True)
class ServedSite:
    """A SynthSite being served, and its base URL."""

    site: SynthSite
    url: str


def _serve(site: SynthSite) -> Iterator[ServedSite]:
    url = site.start()
    try:
        yield ServedSite(site, url)
    finally:
        site.stop()


@pytest.fixture(scope="module")
def synth_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The synthetic site (40 ads, images) on a free loopback port."""
    yield from _serve(SynthSite(40, 7, tmp_path_factory.mktemp("images")))


@pytest.fixture(scope="module")
def bad_site() -> Iterator[ServedSite]:
    """The site with its crawler-breaking pages (12 ads, no images, a 4 s slow page)."""
    yield from _serve(SynthSite(12, 3, None, bad_pages=True, slow_seconds=4.0))


@dataclass(frozen=True)
class Collector:
    """Collects a served site into a database, with archive and blobs under one folder."""

    folder: Path

    def options(self, **changes: Any) -> CollectOptions:
        """Test collection options, with any field changed."""
        base = CollectOptions(
            warc_dir=self.folder / "warc",
            user_agent=USER_AGENT,
            delay=0.0,
            concurrency=8,
            retries=1,
            backoff=0.05,
            timeout=5.0,
            crawl_timeout=120.0,
        )
        return replace(base, **changes)

    def collect(
        self,
        database: Database,
        served: ServedSite,
        blobs: BlobStore | None = None,
        **changes: Any,
    ) -> CollectReport:
        """One round of collection of the served site with the shipped `synth-site` mapping."""
        options = self.options(**changes)
        return collect_once(database, resolve_mapping("synth-site"), options, served.url, blobs)

    def env(self) -> dict[str, str]:
        """Environment for `threadline collect` with the same politeness-off settings."""
        return {
            "THREADLINE_DATA_DIR": str(self.folder / "var"),
            "THREADLINE_SECRET_KEY": "test-secret-key",
            "THREADLINE_CRAWL_DELAY": "0",
            "THREADLINE_CRAWL_CONCURRENCY": "8",
            "THREADLINE_CRAWL_OPERATOR": "Test Unit",
        }


@pytest.fixture
def collector(tmp_path: Path) -> Collector:
    """A collector whose archive, blobs and data folder are under the test's temp folder."""
    return Collector(tmp_path)
