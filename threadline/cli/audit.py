"""`threadline audit`: prove the audit chain."""

from __future__ import annotations

import click

from threadline.cli._db import open_database
from threadline.store import verify_chain


@click.group()
def audit() -> None:
    """Work with the tamper-evident audit log."""


@audit.command()
@click.pass_context
def verify(ctx: click.Context) -> int:
    """Recompute the hash chain; name the first broken row (exit 1) or print the head."""
    database = open_database(ctx)
    with database.transaction() as connection:
        result = verify_chain(connection)
    if not result.ok:
        click.echo(
            f"BROKEN at row {result.first_broken}: {result.reason} "
            f"({result.rows} rows before it verify)",
            err=True,
        )
        return 1
    click.echo(f"ok: {result.rows} rows, head {result.head_hash}")
    return 0
