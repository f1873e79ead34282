"""Continuous collection: crawl a mapped site, ingest new or changed ads, record takedowns.

A crawl writes WARC files; the ads are read back from them, so every stored version points
at the capture it came from. Known ads that the listings no longer show are re-checked, and
those that answer 404 or 410 are recorded as taken down on that date (the 404 is archived).

A crawl killed before it finished leaves a `.open` WARC file; the next round recovers it
(complete records kept, a cut-off tail quarantined) and ingests it before crawling again.
Each WARC file is recorded in the database once all its records are stored, so the files a
stopped (Ctrl-C, SIGTERM) or killed round did not finish ingesting are ingested by the next
round, in name (crawl time) order; storing a record again adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from threadline.errors import ConfigError
from threadline.ingest.archive_loader import ArchiveReport, ingest_archives
from threadline.ingest.crawl import CrawlEvent, CrawlJob, run_crawl
from threadline.ingest.loader import BATCH_SIZE
from threadline.ingest.mapping import Mapping, load_mapping
from threadline.ingest.recover import recover_open_warcs
from threadline.settings import Settings
from threadline.store import BlobStore, Database
from threadline.store.collect import (
    KnownAd,
    active_ads,
    ingested_warcs,
    mark_taken_down,
    mark_warc_ingested,
)

__all__ = [
    "CollectOptions",
    "CollectReport",
    "collect_once",
    "options_from_settings",
    "parse_every",
]


@dataclass(frozen=True, slots=True)
class CollectOptions:
    """How to crawl: politeness, limits and where the archive goes."""

    warc_dir: Path
    user_agent: str
    obey_robots: bool = True
    robots_reason: str = ""
    delay: float | None = None  # None: the mapping's
    concurrency: int | None = None  # None: the mapping's
    retries: int = 3
    backoff: float = 1.0
    timeout: float = 30.0
    max_page_bytes: int = 10_000_000
    max_pages: int = 0
    crawl_timeout: float = 6 * 3600.0
    source: str | None = None  # default the mapping's name
    ingest_batch: int = BATCH_SIZE  # ads per ingest transaction


@dataclass(slots=True)
class CollectReport:
    """What one round of collection did."""

    crawl_id: str
    events: int
    problems: list[CrawlEvent]
    ingest: ArchiveReport
    taken_down: int
    warc_files: list[Path] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # one line per unfinished file put right
    left_over: list[Path] = field(default_factory=list)  # earlier rounds' files ingested now


def options_from_settings(settings: Settings) -> CollectOptions:
    """Collection options from the settings (politeness on unless they say otherwise)."""
    contact = f"; {settings.crawl_contact}" if settings.crawl_contact else ""
    return CollectOptions(
        warc_dir=settings.warc_dir(),
        user_agent=f"Threadline-collector (operated by {settings.crawl_operator}{contact})",
        obey_robots=settings.crawl_obey_robots,
        robots_reason=settings.crawl_robots_reason,
        delay=settings.crawl_delay,
        concurrency=settings.crawl_concurrency,
        retries=settings.crawl_retries,
        timeout=settings.crawl_timeout,
        max_page_bytes=settings.crawl_max_page_bytes,
    )


def collect_once(
    database: Database,
    mapping_path: Path,
    options: CollectOptions,
    base_url: str | None = None,
    blobs: BlobStore | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> CollectReport:
    """Crawl once, ingest what is new or changed, and mark re-checked 404/410 ads taken down.

    First the files earlier rounds left (recovered or not yet ingested) are ingested."""
    mapping = load_mapping(mapping_path)
    source = options.source or mapping.name
    folder = options.warc_dir / mapping.name
    recovered = _recover(folder)
    ingest = _Ingest(database, folder, source, mapping, blobs, on_batch, options.ingest_batch)
    left_over, report = ingest.pending()
    with database.transaction() as connection:
        known = active_ads(connection, source)
    crawl_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    job = _job(mapping_path, mapping, options, base_url, crawl_id, known_urls(known))
    result = run_crawl(job, options.crawl_timeout)
    report.add(ingest.pending()[1])
    gone = {event.url: event.status for event in result.gone()}
    missing = [
        (ad.row_id, ad.url, gone[ad.url])
        for ad in known
        if ad.url in gone and ad.ext_id not in report.seen
    ]
    with database.transaction() as connection:
        marked = mark_taken_down(connection, missing, datetime.now(UTC))
    return CollectReport(
        crawl_id,
        len(result.events),
        result.problems(),
        report,
        marked,
        result.warc_files,
        recovered,
        left_over,
    )


def _recover(folder: Path) -> list[str]:
    """Put right the files of killed crawls; one line per file."""
    done = recover_open_warcs(folder) if folder.is_dir() else []
    for name, _ in done:  # the killed crawl's duplicate filter, no use to anyone now
        prefix = name.rsplit("-", 1)[0]
        (folder / f"{prefix}.log.seen.sqlite").unlink(missing_ok=True)
    return [found.line(name) for name, found in done]


@dataclass(frozen=True, slots=True)
class _Ingest:
    """Ingests a mapping's finished WARC files that are not yet recorded as ingested."""

    database: Database
    folder: Path
    source: str
    mapping: Mapping
    blobs: BlobStore | None
    on_batch: Callable[[int], None] | None
    batch_size: int

    def pending(self) -> tuple[list[Path], ArchiveReport]:
        """Ingest each pending file, oldest first, and record it; the files and the report."""
        files = self._pending_files()
        report = ArchiveReport()
        for path in files:
            report.add(
                ingest_archives(
                    self.database,
                    [path],
                    self.source,
                    self.mapping,
                    blobs=self.blobs,
                    on_batch=self.on_batch,
                    batch_size=self.batch_size,
                )
            )
            with self.database.transaction() as connection:
                mark_warc_ingested(connection, str(path), datetime.now(UTC))
        return files, report

    def _pending_files(self) -> list[Path]:
        finished = sorted(self.folder.glob("*.warc.gz")) if self.folder.is_dir() else []
        with self.database.transaction() as connection:
            done = ingested_warcs(connection, [str(path) for path in finished])
        # Files older than the newest ingested one were ingested before this table existed
        # (or by a round that recorded them): ingesting them again could bring back an old
        # version of an ad that has changed since.
        newest = max((Path(p).name for p in done), default="")
        return [p for p in finished if str(p) not in done and p.name > newest]


def known_urls(known: list[KnownAd]) -> tuple[str, ...]:
    """The URLs of known ads, to re-check when the listings no longer show them."""
    return tuple(ad.url for ad in known if ad.url)


def _job(
    mapping_path: Path,
    mapping: Mapping,
    options: CollectOptions,
    base_url: str | None,
    crawl_id: str,
    recheck: tuple[str, ...],
) -> CrawlJob:
    folder = options.warc_dir / mapping.name
    folder.mkdir(parents=True, exist_ok=True)
    obey = options.obey_robots and mapping.politeness.obey_robots
    reason = options.robots_reason or mapping.politeness.robots_reason
    if not obey and not reason.strip():
        raise ConfigError("robots.txt may be ignored only with a recorded reason")
    return CrawlJob(
        mapping_path=str(mapping_path.absolute()),
        base_url=base_url or mapping.base_url,
        warc_dir=str(folder),
        prefix=f"crawl-{crawl_id}",
        log_path=str(folder / f"crawl-{crawl_id}.log.jsonl"),
        user_agent=options.user_agent,
        obey_robots=obey,
        robots_reason="" if obey else reason,
        delay=mapping.politeness.delay if options.delay is None else options.delay,
        concurrency=options.concurrency or mapping.politeness.concurrency,
        retries=options.retries,
        backoff=options.backoff,
        timeout=options.timeout,
        max_page_bytes=options.max_page_bytes,
        max_pages=options.max_pages,
        recheck=recheck,
    )


_EVERY = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd]?)$")
_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_every(text: str) -> float:
    """Seconds in `90`, `30s`, `15m`, `2h` or `1d`; ConfigError otherwise."""
    found = _EVERY.match(text.strip().lower())
    if not found or float(found.group(1)) <= 0:
        raise ConfigError(f"not a duration: {text!r} (use 30s, 15m, 2h, 1d)")
    return float(found.group(1)) * _UNITS[found.group(2)]
