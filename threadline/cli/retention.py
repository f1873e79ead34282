"""`threadline retention run`: purge what has outlived its retention period."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from threadline.cli._actor import cli_actor
from threadline.cli._common import get_settings
from threadline.cli._db import open_database
from threadline.store.retention import RETENTION_JOBS, run_retention


@click.group()
def retention() -> None:
    """Retention periods: bot intake, subjects under review, sessions."""


@retention.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run every retention job; print what each purged (the audit keeps the fact)."""
    database = open_database(ctx)
    results = run_retention(database, get_settings(ctx), datetime.now(UTC), cli_actor())
    for purged in results:
        click.echo(f"{purged.job}: purged {len(purged.ids)} {purged.object_type} record(s)")
    click.echo(f"{len(RETENTION_JOBS)} job(s) run", err=True)
