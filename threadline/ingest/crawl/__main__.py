"""`python -m threadline.ingest.crawl JOB.json [PARENT_PID]`: one crawl in its own process.

Twisted's reactor starts once per process, hence a process per crawl. Given its parent's
pid, the crawler dies with its parent (Linux), so a killed collector leaves no crawler
writing on; its unfinished WARC file is recovered by the next collection.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from twisted.python.failure import Failure

from threadline.ingest.crawl._job import CrawlJob
from threadline.ingest.crawl._spider import MappingSpider


def scrapy_settings(job: CrawlJob) -> dict[str, Any]:
    """Scrapy settings for the job: politeness from the job, our retry and WARC recorder."""
    return {
        "USER_AGENT": job.user_agent,
        "ROBOTSTXT_OBEY": job.obey_robots,
        "DOWNLOAD_DELAY": job.delay,
        "CONCURRENT_REQUESTS": max(16, job.concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": job.concurrency,
        "AUTOTHROTTLE_ENABLED": job.delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(job.delay, 0.01),
        "DOWNLOAD_TIMEOUT": job.timeout,
        "DOWNLOAD_MAXSIZE": job.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": job.max_redirects,
        "RETRY_ENABLED": False,  # BackoffRetry replaces it: Scrapy's retries do not back off
        "DOWNLOADER_MIDDLEWARES": {"threadline.ingest.crawl._spider.BackoffRetry": 550},
        "EXTENSIONS": {"threadline.ingest.crawl._spider.WarcRecorder": 100},
        "DUPEFILTER_CLASS": "threadline.ingest.crawl._seen.DiskDupeFilter",
        "THREADLINE_SEEN_PATH": str(Path(job.log_path).with_suffix(".seen.sqlite")),
        "THREADLINE_RETRIES": job.retries,
        "THREADLINE_BACKOFF": job.backoff,
        "THREADLINE_WARC_DIR": job.warc_dir,
        "THREADLINE_PREFIX": job.prefix,
        "CLOSESPIDER_PAGECOUNT": job.max_pages,
        "CLOSESPIDER_TIMEOUT": job.max_seconds,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies; exit if it already has."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took hold
        sys.exit(1)


def main(argv: list[str]) -> int:
    """Run the job named on the command line; the exit status is 0 when the crawl finished."""
    if len(argv) > 2:
        die_with_parent(int(argv[2]))
    job = CrawlJob.load(Path(argv[1]))
    process = CrawlerProcess(scrapy_settings(job))
    failures: list[Failure] = []
    # Scrapy logs a crawl that could not start and exits 0; the parent must know it failed.
    process.crawl(MappingSpider, job=job).addErrback(failures.append)
    process.start()
    if failures:
        print(f"crawl failed: {failures[0].getErrorMessage()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
