"""Collection end to end: crawl the local site twice, takedowns, versions, WARC evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

from tests.ingest.conftest import USER_AGENT, Collector, ServedSite
from threadline.ingest.archive import verify_capture
from threadline.ingest.collect import parse_every
from threadline.store import BlobStore, Database
from threadline.store.collect import captures_for, taken_down
from threadline.store.tables import ad_versions, ads
from threadline.store.tables_collect import captures, takedowns

N_ADS = 40  # the synth_site fixture's


@pytest.mark.slow
def test_collect_twice_ingests_once_and_marks_takedowns(
    database: Database, tmp_path: Path, synth_site: ServedSite, collector: Collector
) -> None:
    served = synth_site.site
    served.epoch = 0
    blobs = BlobStore(tmp_path / "blobs")
    first = collector.collect(database, synth_site, blobs)
    served.epoch = 1
    second = collector.collect(database, synth_site, blobs)
    removed = {ad.id for ad in served.ads if served.removed(ad)}
    edited = {ad.id for ad in served.ads if served.edited(ad)}
    assert first.problems == []
    assert (first.ingest.counts.added, first.ingest.counts.updated) == (N_ADS, 0)
    assert (second.ingest.counts.added, second.ingest.counts.updated) == (0, len(edited))
    assert second.ingest.counts.unchanged == N_ADS - len(removed) - len(edited)
    assert second.taken_down == len(removed) == 4
    with database.transaction() as connection:
        assert set(taken_down(connection, "synth-site")) == removed
        assert connection.execute(select(func.count()).select_from(ads)).scalar_one() == N_ADS
        assert connection.execute(select(func.count()).select_from(ad_versions)).scalar_one() == 4
        assert connection.execute(select(func.count()).select_from(takedowns)).scalar_one() == 4
        rows = connection.execute(select(captures)).all()
    assert len(rows) == N_ADS + len(edited)
    assert all(verify_capture(Path(r.warc_path), r.record_offset, r.sha256) for r in rows)
    assert _user_agents(first.warc_files[0]) == {USER_AGENT}


def _user_agents(path: Path) -> set[str]:
    with open(path, "rb") as stream:
        return {
            record.http_headers.get_header("User-Agent")
            for record in ArchiveIterator(stream)
            if record.rec_type == "request"
        }


@pytest.mark.slow
def test_collect_keeps_every_version_with_its_capture(
    database: Database, synth_site: ServedSite, collector: Collector
) -> None:
    served, url = synth_site.site, synth_site.url
    served.epoch = 0
    collector.collect(database, synth_site)
    served.epoch = 1
    collector.collect(database, synth_site)
    edited = next(ad for ad in served.ads if served.edited(ad))
    with database.transaction() as connection:
        row = connection.execute(select(ads).where(ads.c.ext_id == edited.id)).one()
        found = captures_for(connection, int(row.id))
    assert row.version == 2
    assert row.title == f"{edited.title} (updated)"
    assert [c.version for c in found] == [1, 2]
    assert found[1].url == f"{url}{edited.path()}"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90.0), ("30s", 30.0), ("15m", 900.0), ("2h", 7200.0), ("1d", 86400.0)],
)
def test_parse_every_reads_durations(text: str, seconds: float) -> None:
    assert parse_every(text) == seconds


def test_a_crashed_crawler_is_reported(tmp_path: Path) -> None:
    from threadline.ingest.crawl import CrawlJob, run_crawl

    job = CrawlJob(
        mapping_path=str(tmp_path / "missing.yaml"),
        base_url="http://127.0.0.1:9",
        warc_dir=str(tmp_path),
        prefix="x",
        log_path=str(tmp_path / "x.log.jsonl"),
        user_agent="t",
    )
    result = run_crawl(job, 60.0)
    assert result.returncode == 1
    assert [(e.kind, e.error.split(":")[0]) for e in result.problems()] == [
        ("crawler", "crawler exited 1")
    ]
