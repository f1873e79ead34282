"""`threadline analyze`: extraction and linking over the database."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from typing import Any, TypeVar

import click
from rich.progress import Progress, TaskID

from threadline.cli._common import get_settings, show_progress
from threadline.cli._db import open_database
from threadline.pipeline import EXECUTORS, LOCAL_CLUSTER_WORKERS, AnalyzeOptions, make_executor
from threadline.pipeline import analyze as run_analysis
from threadline.store import BlobStore
from threadline.store.console import run_saved_searches

F = TypeVar("F", bound=Callable[..., Any])


def executor_options(command: F) -> F:
    """`--executor`, `--scheduler` and `--dask-workers`, shared by extract, link and analyze."""
    command = click.option(
        "--dask-workers",
        type=int,
        metavar="N",
        default=None,
        help="Worker processes of the LocalCluster that --executor dask starts when no "
        f"--scheduler is given (default {LOCAL_CLUSTER_WORKERS}, one thread each).",
    )(command)
    command = click.option(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="Dask scheduler address (tcp://host:8786); without one, --executor dask "
        "starts a LocalCluster on this machine.",
    )(command)
    return click.option(
        "--executor",
        type=click.Choice(sorted(EXECUTORS)),
        default="local",
        show_default=True,
        help="Where partitions run: in this process, or on Dask workers (same results).",
    )(command)


@click.command()
@click.option("--faces", is_flag=True, help="Also detect faces in ad images and queue matches.")
@executor_options
@click.pass_context
def analyze(
    ctx: click.Context,
    faces: bool,
    executor: str,
    scheduler: str | None,
    dask_workers: int | None,
) -> None:
    """Extract identifiers, indicators and risk from new or changed ads, then link all ads.

    Stores findings with their evidence spans, identifiers (with keyed hashes), risk, and the
    networks with each membership's `via`. Linking state is kept in the data folder, so a new
    batch joins existing networks without recomputing the corpus. With --executor dask the
    workers extract, hash images and link the whole corpus partition by partition (the same
    networks); the local link state is then dropped, and the next local run rebuilds it.
    """
    settings = get_settings(ctx)
    database = open_database(ctx)
    options = AnalyzeOptions(
        state_path=settings.data_dir / "link-state.pkl",
        blobs=BlobStore(settings.blob_dir()),
        secret_key=settings.resolved_secret_key(),
        region=settings.default_region,
        face_model=settings.face_model if faces else None,
        face_threshold=settings.face_threshold,
    )
    with Progress(disable=not show_progress(), transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, count: int) -> None:
            task = tasks.setdefault(stage, bar.add_task(stage, total=None))
            bar.advance(task, count)

        with closing(make_executor(executor, scheduler, dask_workers)) as runner:
            report = run_analysis(database, options, progress, runner)
    click.echo(
        f"extracted {report.extracted}, hashed {report.images_hashed} images, "
        f"linked {report.linked} ads into {report.networks} networks "
        f"({report.set_aside} identifiers set aside"
        + (", link state rebuilt)" if report.rebuilt else ", incremental)"),
        err=True,
    )
    if report.faces is not None:
        found = report.faces
        click.echo(
            f"faces: {found.images} images, {found.faces} faces, {found.candidates} candidates "
            f"for review (leads, not identifications), {len(found.problems)} unreadable",
            err=True,
        )
    with database.transaction() as connection:
        hits = run_saved_searches(connection)
    if hits:
        click.echo(f"saved searches: {sum(hits.values())} new hits", err=True)
