"""`threadline collect`: crawl a mapped site again and again into the archive and database."""

from __future__ import annotations

import signal
import time
from dataclasses import replace
from pathlib import Path

import click

from threadline.cli._common import get_settings
from threadline.cli._db import open_database
from threadline.errors import ThreadlineError
from threadline.ingest.collect import (
    CollectReport,
    collect_once,
    options_from_settings,
    parse_every,
)
from threadline.ingest.mapping import read_mapping
from threadline.pipeline import AnalyzeOptions, analyze
from threadline.settings import Settings
from threadline.store import BlobStore, Database
from threadline.store.console import run_saved_searches

__all__ = ["collect"]


@click.command()
@click.argument("mapping")
@click.option(
    "--base-url", help="Crawl this host instead of the mapping's (a mirror, a test site)."
)
@click.option("--every", help="Collect again after this long (30s, 15m, 2h); default once.")
@click.option(
    "--times",
    type=click.IntRange(min=0),
    default=0,
    help="With --every: stop after this many rounds (0: until interrupted).",
)
@click.option(
    "--max-pages", type=click.IntRange(min=0), default=0, help="Stop a crawl after N pages."
)
@click.option("--no-analyze", is_flag=True, help="Skip the analysis of what is new.")
@click.pass_context
def collect(
    ctx: click.Context,
    mapping: str,
    base_url: str | None,
    every: str | None,
    times: int,
    max_pages: int,
    no_analyze: bool,
) -> int:
    """Crawl MAPPING (a file or a shipped mapping's name), archive it, ingest what changed.

    Every page and image goes to WARC files under the data folder; new and changed ads are
    stored (a changed ad keeps its versions), known ads that answer 404/410 are recorded as
    taken down with the date, the new ads are analyzed and saved searches run afterwards.
    URLs that failed are printed with the reason; the crawl goes on past them.
    """
    settings = get_settings(ctx)
    path, _site = read_mapping(mapping)
    pause = parse_every(every) if every else None
    database = open_database(ctx)
    signal.signal(signal.SIGTERM, _interrupt)  # stop as on Ctrl-C: the crawl ends gracefully
    rounds = 0
    while True:
        try:
            _round(database, settings, path, base_url, max_pages, not no_analyze)
        except ThreadlineError as exc:
            if pause is None:
                raise
            # A continuous collector outlives one bad round (site down, crawl past its limit).
            click.echo(f"error: {exc.detail}; next round in {every}", err=True)
        rounds += 1
        if pause is None or (times and rounds >= times):
            return 0
        time.sleep(pause)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _round(
    database: Database,
    settings: Settings,
    path: Path,
    base_url: str | None,
    max_pages: int,
    run_analysis: bool,
) -> None:
    options = replace(options_from_settings(settings), max_pages=max_pages)
    blobs = BlobStore(settings.blob_dir())
    report = collect_once(database, path, options, base_url, blobs)
    _print(report)
    counts = report.ingest.counts
    if run_analysis and (counts.added or counts.updated):
        analyze(database, _analyze_options(settings, blobs))
    with database.transaction() as connection:
        hits = run_saved_searches(connection)
    if hits:
        click.echo(f"saved searches: {sum(hits.values())} new hits", err=True)


def _analyze_options(settings: Settings, blobs: BlobStore) -> AnalyzeOptions:
    return AnalyzeOptions(
        state_path=settings.data_dir / "link-state.pkl",
        blobs=blobs,
        secret_key=settings.resolved_secret_key(),
        region=settings.default_region,
    )


def _print(report: CollectReport) -> None:
    for line in report.recovered:
        click.echo(line, err=True)
    if report.left_over:
        names = ", ".join(path.name for path in report.left_over)
        click.echo(f"ingested files earlier rounds left: {names}", err=True)
    for event in report.problems[:100]:
        click.echo(f"failed {event.url}: {event.error}", err=True)
    for rejection in report.ingest.rejected[:100]:
        click.echo(f"rejected {rejection.location}: {rejection.reason}", err=True)
    counts = report.ingest.counts
    click.echo(
        f"crawl {report.crawl_id}: {report.events} URLs, {len(report.problems)} failed, "
        f"{len(report.warc_files)} WARC files; ads added {counts.added}, updated "
        f"{counts.updated}, unchanged {counts.unchanged}, rejected "
        f"{len(report.ingest.rejected)}, taken down {report.taken_down}",
        err=True,
    )
