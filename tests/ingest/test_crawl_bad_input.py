"""A crawl meets pages that break it: each is reported with its reason and the crawl goes on."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.ingest.conftest import Collector, ServedSite
from threadline.cli import cli
from threadline.ingest.collect import CollectReport
from threadline.store import Database
from threadline.store.tables import ads

N_ADS = 12  # the bad_site fixture's


def _collect(database: Database, bad_site: ServedSite, collector: Collector) -> CollectReport:
    return collector.collect(
        database,
        bad_site,
        user_agent="Threadline-collector (operated by tests; ops@example.org)",
        retries=2,
        timeout=1.5,
        max_page_bytes=1_000_000,
    )


@pytest.mark.slow
def test_bad_pages_are_reported_and_the_crawl_goes_on(
    sqlite_db: Database, bad_site: ServedSite, collector: Collector
) -> None:
    served, url = bad_site.site, bad_site.url
    report = _collect(sqlite_db, bad_site, collector)
    problems = {e.url.removeprefix(url): e.error for e in report.problems}
    assert problems.pop("/bad/ad/huge.html").startswith("DownloadCancelledError: Expected to")
    assert problems.pop("/bad/ad/slow.html").startswith("DownloadTimeoutError: Getting")
    assert problems == {
        "/private/ad/trap.html": "ignored: Forbidden by robots.txt",
        "/bad/ad/gone.html": "HTTP 404",
        "/bad/ad/error.html": "HTTP 500",
        "/bad/ad/loop.html?page=6": "ignored: max redirections reached",
    }
    rejected = {(r.location.removeprefix(url), r.reason) for r in report.ingest.rejected}
    assert rejected == {
        (
            "/bad/ad/missing-title.html",
            "the page breaks the mapping: neither ad.title nor ad.body matched",
        )
    }
    assert served.hits["/bad/ad/error.html"] == 3  # the first try and two retries
    assert "/private/ad/trap.html" not in served.hits
    with sqlite_db.transaction() as connection:
        stored = set(connection.execute(select(ads.c.ext_id)).scalars())
    assert stored == {ad.id for ad in served.ads} | {"LATIN1"}
    assert report.ingest.counts.added == N_ADS + 1


@pytest.mark.slow
def test_cli_ingests_a_folder_of_warc_files_with_a_mapping(
    tmp_path: Path, bad_site: ServedSite, sqlite_db: Database, collector: Collector
) -> None:
    report = _collect(sqlite_db, bad_site, collector)
    env = {"THREADLINE_DATA_DIR": str(tmp_path / "other")}
    result = CliRunner().invoke(
        cli,
        ["ingest", "--mapping", "synth-site", "--source", "warcs", str(tmp_path / "warc")],
        env=env,
        standalone_mode=False,
    )
    assert result.return_value == 1  # the page that breaks the mapping is a rejection
    assert result.output.splitlines()[-1] == (
        f"read {N_ADS + 2}, added {N_ADS + 1}, updated 0, unchanged 0, rejected 1"
    )
    assert len(report.warc_files) == 1
