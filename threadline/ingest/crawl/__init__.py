"""Crawls on Scrapy, each in a child process (Twisted's reactor starts once per process)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from threadline.errors import ThreadlineError
from threadline.ingest.crawl._job import CrawlEvent, CrawlJob, read_events

__all__ = ["CrawlEvent", "CrawlJob", "CrawlResult", "run_crawl"]


@dataclass(frozen=True, slots=True)
class CrawlResult:
    """What a crawl fetched: its events per URL and the finished WARC files."""

    events: list[CrawlEvent]
    warc_files: list[Path]
    returncode: int
    stderr_tail: str

    def problems(self) -> list[CrawlEvent]:
        """Events with a failure reason."""
        return [event for event in self.events if event.error]

    def gone(self) -> list[CrawlEvent]:
        """Ad pages that answered 404 or 410 (when re-checked or listed)."""
        return [e for e in self.events if e.kind in ("ad", "recheck") and e.status in (404, 410)]


def run_crawl(job: CrawlJob, timeout: float) -> CrawlResult:
    """Run the job in a child process, at most `timeout` seconds; ThreadlineError past it."""
    job_path = Path(job.log_path).with_suffix(".job.json")
    job.dump(job_path)
    command = [sys.executable, "-m", "threadline.ingest.crawl", str(job_path), str(os.getpid())]
    try:
        done = subprocess.run(  # noqa: S603 - our own module, arguments we wrote
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ThreadlineError(f"the crawl ran past {timeout:.0f} s and was stopped") from exc
    files = sorted(Path(job.warc_dir).glob(f"{job.prefix}-*.warc.gz"))
    events = read_events(Path(job.log_path))
    if done.returncode != 0:  # a crashed crawler is a problem to report, not a quiet empty crawl
        last = (done.stderr.strip().splitlines() or ["no message"])[-1][:200]
        events.append(
            CrawlEvent(job.base_url, "crawler", 0, f"crawler exited {done.returncode}: {last}")
        )
    return CrawlResult(events, files, done.returncode, done.stderr[-2000:])
