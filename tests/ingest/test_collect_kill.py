"""Crash proof: SIGKILL a real `threadline collect` mid-crawl, then collect again.

The killed round leaves a `.open` WARC file and nothing in the database. The next round
recovers the file (complete records kept, a cut-off tail quarantined), ingests it and its own
crawl, and every ad is stored exactly once with a capture that verifies against its hash.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.ingest.conftest import Collector
from threadline.ingest.archive import WarcResponse, iter_warc_responses, verify_capture
from threadline.synth import SynthSite

N_ADS = 1500  # enough pages that the crawl is still going when it is killed


def _lines(folder: Path, pattern: str) -> int:
    return sum(path.read_bytes().count(b"\n") for path in folder.glob(pattern))


def _kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 120
    while not ready() and time.monotonic() < deadline:
        assert process.poll() is None, "finished before it could be killed: make the site larger"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _crawlers_of(folder: Path) -> list[int]:
    """Pids of live processes whose command line names a job file in the folder."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if entry.name.isdigit() and str(folder).encode() in command:
            found.append(int(entry.name))
    return found


def _wait_gone(folder: Path, seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while _crawlers_of(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _crawlers_of(folder)


def _rows(db_path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(query).fetchall()


def _ad_pages(path: Path) -> int:
    return sum(
        1
        for r in iter_warc_responses(path)
        if isinstance(r, WarcResponse) and "/ad/" in r.url and r.status == 200
    )


@pytest.mark.slow
def test_sigkill_mid_crawl_then_collect_again_stores_every_ad_once(
    tmp_path: Path, collector: Collector
) -> None:
    site = SynthSite(N_ADS, 5, None)
    url = site.start()
    env = os.environ | collector.env()
    warcs = tmp_path / "var" / "warc" / "synth-site"
    db_path = tmp_path / "var" / "threadline.db"
    command = [sys.executable, "-m", "threadline", "collect", "synth-site", "--base-url", url]
    command.append("--no-analyze")
    try:
        first = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        _kill_when(first, lambda: _lines(warcs, "crawl-*.log.jsonl") >= 300)
        assert _wait_gone(warcs) == []  # the crawler died with its collector
        [unfinished] = warcs.glob("*.warc.gz.open")
        size_at_kill = unfinished.stat().st_size
        assert size_at_kill > 0
        assert _rows(db_path, "SELECT count(*) FROM ads") == [(0,)]  # nothing half-written
        again = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=600, check=False
        )
    finally:
        site.stop()
    assert again.returncode == 0, again.stderr
    recovered = unfinished.with_name(unfinished.name.removesuffix(".open"))
    tail = warcs / "quarantine" / f"{recovered.name}.tail"
    kept = recovered.stat().st_size
    assert kept + (tail.stat().st_size if tail.exists() else 0) == size_at_kill
    assert list(warcs.glob("*.open")) == []
    lines = again.stderr.splitlines()
    assert lines[0].startswith(f"recovered {unfinished.name}: ")
    in_recovered = _ad_pages(recovered)
    assert in_recovered > 0
    assert lines[-1].split("; ", 1)[1] == (
        f"ads added {N_ADS}, updated 0, unchanged {in_recovered}, rejected 0, taken down 0"
    )
    assert _rows(db_path, "SELECT count(*), count(DISTINCT ext_id) FROM ads") == [(N_ADS, N_ADS)]
    assert _rows(db_path, "PRAGMA integrity_check") == [("ok",)]
    captures = _rows(db_path, "SELECT warc_path, record_offset, sha256 FROM captures")
    assert len(captures) == N_ADS
    assert all(verify_capture(Path(str(p)), int(str(o)), str(h)) for p, o, h in captures)
    from_recovered = [p for p, _, _ in captures if p == str(recovered)]
    assert len(from_recovered) == in_recovered
