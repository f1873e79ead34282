"""Crawls on Scrapy, each in a child process (Twisted's reactor starts once per process)."""

from __future__ import annotations

import os
import signal
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
    # Its own session: a terminal's Ctrl-C reaches the collector only, which stops the
    # crawler once, gracefully, so it finishes its WARC file for the next round to ingest.
    crawler = subprocess.Popen(  # noqa: S603 - our own module, arguments we wrote
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = crawler.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        stop_gracefully(crawler)
        raise ThreadlineError(f"the crawl ran past {timeout:.0f} s and was stopped") from exc
    except BaseException:  # KeyboardInterrupt, or SIGTERM turned into one by the CLI
        stop_gracefully(crawler)
        raise
    done = subprocess.CompletedProcess(command, crawler.returncode, stdout, stderr)
    files = sorted(Path(job.warc_dir).glob(f"{job.prefix}-*.warc.gz"))
    events = read_events(Path(job.log_path))
    if done.returncode != 0:  # a crashed crawler is a problem to report, not a quiet empty crawl
        last = (done.stderr.strip().splitlines() or ["no message"])[-1][:200]
        events.append(
            CrawlEvent(job.base_url, "crawler", 0, f"crawler exited {done.returncode}: {last}")
        )
    return CrawlResult(events, files, done.returncode, done.stderr[-2000:])


def stop_gracefully(crawler: subprocess.Popen[str], grace: float = 30.0) -> None:
    """SIGINT the crawler (Scrapy closes the spider and its WARC file); SIGKILL past `grace`."""
    if crawler.poll() is not None:
        return
    crawler.send_signal(signal.SIGINT)
    try:
        crawler.communicate(timeout=grace)
    except subprocess.TimeoutExpired:  # its open file is recovered by the next round
        crawler.kill()
        crawler.wait()
    except BaseException:  # interrupted again: stop at once
        crawler.kill()
        crawler.wait()
        raise
