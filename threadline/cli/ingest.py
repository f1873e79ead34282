"""`threadline ingest`: ad corpora into the database."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import Progress

from threadline.cli._common import get_settings, show_progress
from threadline.cli._db import open_database
from threadline.ingest import IngestReport, ingest_files
from threadline.store import BlobStore


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--source", default="default", show_default=True, help="Name of the collection.")
@click.option("--strict", is_flag=True, help="Stop at the first malformed record.")
@click.option(
    "--mapping",
    help="Site mapping (file or shipped name) to read saved HTML pages, WARC files and "
    "folders of them.",
)
@click.pass_context
def ingest(
    ctx: click.Context, paths: tuple[Path, ...], source: str, strict: bool, mapping: str | None
) -> int:
    """Load ad records from JSON lines (.jsonl) or CSV files; with --mapping, HTML and WARC.

    Re-ingesting the same records adds nothing; a changed record becomes a new version.
    Malformed lines are reported with file, line and reason and the rest is loaded;
    the exit status is 1 when anything was rejected.
    """
    if mapping is not None:
        return _ingest_pages(ctx, paths, source, strict, mapping)
    database = open_database(ctx)
    with Progress(disable=not show_progress(), transient=True) as progress:
        task = progress.add_task("ingesting", total=None)
        report = ingest_files(
            database,
            paths,
            source,
            strict=strict,
            blobs=BlobStore(get_settings(ctx).blob_dir()),
            on_batch=lambda n: progress.advance(task, n),
        )
    _print_report(report)
    return 1 if report.rejected else 0


def _ingest_pages(
    ctx: click.Context, paths: tuple[Path, ...], source: str, strict: bool, mapping: str
) -> int:
    """HTML pages and WARC files (folders searched) read through a site mapping."""
    # Imported here: parsel, lxml and warcio are not needed for JSON lines and CSV.
    from threadline.ingest.archive_loader import ingest_archives
    from threadline.ingest.mapping import read_mapping

    _path, site = read_mapping(mapping)
    database = open_database(ctx)
    blobs = BlobStore(get_settings(ctx).blob_dir())
    report = ingest_archives(database, paths, source, site, strict=strict, blobs=blobs)
    _print_report(report)
    return 1 if report.rejected else 0


def _print_report(report: IngestReport) -> None:
    for rejection in report.rejected[:100]:
        click.echo(f"rejected {rejection.location}: {rejection.reason}", err=True)
    if len(report.rejected) > 100:
        click.echo(f"... and {len(report.rejected) - 100} more rejected", err=True)
    counts = report.counts
    click.echo(
        f"read {report.read}, added {counts.added}, updated {counts.updated}, "
        f"unchanged {counts.unchanged}, rejected {len(report.rejected)}"
        + (" (stopped at the first rejection)" if report.stopped_early else ""),
        err=True,
    )
