"""Stopped and killed rounds are made good: the next round ingests what they left, once.

A round stopped with Ctrl-C or SIGTERM stops its crawler gracefully, which finishes its WARC
file; the next round ingests it. A round killed while ingesting a recovered file leaves the
file unrecorded; the next round ingests it again and adds nothing twice.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.ingest.conftest import Collector, ServedSite
from tests.ingest.test_collect_kill import _ad_pages, _lines, _wait_gone
from threadline.ingest.archive import verify_capture
from threadline.ingest.collect import collect_once
from threadline.ingest.mapping import resolve_mapping
from threadline.store import Database
from threadline.store.tables import ads
from threadline.store.tables_collect import captures, warc_ingests
from threadline.synth import SynthSite

N_ADS = 1500  # enough pages that the crawl is still going when it is stopped


def _rows(db_path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(query).fetchall()


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_a_stopped_round_leaves_finished_warcs_the_next_round_ingests(
    tmp_path: Path, collector: Collector, how: signal.Signals
) -> None:
    site = SynthSite(N_ADS, 5, None)
    url = site.start()
    env = os.environ | collector.env()
    warcs = tmp_path / "var" / "warc" / "synth-site"
    db_path = tmp_path / "var" / "threadline.db"
    command = [sys.executable, "-m", "threadline", "collect", "synth-site", "--base-url", url]
    command.append("--no-analyze")
    try:
        # Its own process group, as a terminal's foreground job; the signal goes to the group.
        first = subprocess.Popen(
            command, env=env, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while _lines(warcs, "crawl-*.log.jsonl") < 300 and time.monotonic() < deadline:
            assert first.poll() is None, "finished before it could be stopped"
            time.sleep(0.05)
        os.killpg(first.pid, how)
        first.wait(timeout=60)
        assert first.returncode != 0
        assert _wait_gone(warcs) == []
        assert list(warcs.glob("*.open")) == []  # the crawler finished its file
        [stopped] = warcs.glob("*.warc.gz")
        assert _rows(db_path, "SELECT count(*) FROM ads") == [(0,)]
        again = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=600, check=False
        )
    finally:
        site.stop()
    assert again.returncode == 0, again.stderr
    lines = again.stderr.splitlines()
    assert lines[0] == f"ingested files earlier rounds left: {stopped.name}"
    in_stopped = _ad_pages(stopped)
    assert in_stopped > 0
    assert lines[-1].split("; ", 1)[1] == (
        f"ads added {N_ADS}, updated 0, unchanged {in_stopped}, rejected 0, taken down 0"
    )
    assert _rows(db_path, "SELECT count(*), count(DISTINCT ext_id) FROM ads") == [(N_ADS, N_ADS)]
    from_stopped = _rows(db_path, f"SELECT count(*) FROM captures WHERE warc_path = '{stopped}'")
    assert from_stopped == [(in_stopped,)]


def _kill_after_first_batch(db_url: str, mapping: str, warc_dir: str, url: str) -> None:
    """In a child: collect, SIGKILLing itself once the first ingest batch is committed."""
    collector = Collector(Path(warc_dir).parent)
    options = collector.options(ingest_batch=10)
    kill = lambda _n: os.kill(os.getpid(), signal.SIGKILL)  # noqa: E731
    collect_once(Database(db_url), Path(mapping), options, url, None, on_batch=kill)


@pytest.mark.slow
def test_a_round_killed_while_ingesting_a_recovered_file_ingests_it_again(
    tmp_path: Path, synth_site: ServedSite
) -> None:
    synth_site.site.epoch = 0
    # A finished crawl's file, cut inside its last record: what a SIGKILLed crawl leaves.
    elsewhere = Collector(tmp_path / "elsewhere")
    scratch = Database(f"sqlite:///{tmp_path / 'scratch.db'}")
    scratch.migrate()
    [finished] = elsewhere.collect(scratch, synth_site).warc_files
    collector = Collector(tmp_path / "here")
    folder = collector.folder / "warc" / "synth-site"
    folder.mkdir(parents=True)
    unfinished = folder / f"{finished.name}.open"
    shutil.copyfile(finished, unfinished)
    os.truncate(unfinished, finished.stat().st_size - 40)
    recovered = folder / finished.name
    db_url = f"sqlite:///{tmp_path / 'here.db'}"
    database = Database(db_url)
    database.migrate()
    mapping = str(resolve_mapping("synth-site"))
    child = multiprocessing.get_context("spawn").Process(
        target=_kill_after_first_batch,
        args=(db_url, mapping, str(collector.folder / "warc"), synth_site.url),
    )
    child.start()
    child.join(120)
    assert child.exitcode == -signal.SIGKILL
    with database.transaction() as connection:
        assert connection.execute(select(func.count()).select_from(ads)).scalar_one() == 10
        assert connection.execute(select(func.count()).select_from(warc_ingests)).all() == [(0,)]
    report = collector.collect(database, synth_site)
    assert report.left_over == [recovered]
    assert (report.ingest.counts.added, report.ingest.counts.updated) == (30, 0)
    in_file = _ad_pages(recovered)
    # The 10 stored before the kill come again unchanged, then the crawl sees the file's ads.
    assert report.ingest.counts.unchanged == 10 + in_file
    with database.transaction() as connection:
        assert connection.execute(select(func.count()).select_from(ads)).scalar_one() == 40
        rows = connection.execute(select(captures)).all()
        done = set(connection.execute(select(warc_ingests.c.path)).scalars())
    assert len(rows) == 40
    assert sum(r.warc_path == str(recovered) for r in rows) == in_file
    assert all(verify_capture(Path(r.warc_path), r.record_offset, r.sha256) for r in rows)
    assert str(recovered) in done
