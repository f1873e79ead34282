"""`threadline platforms`: API keys for ad platforms that call the screening API."""

from __future__ import annotations

import click

from threadline.cli._actor import cli_actor
from threadline.cli._db import open_database
from threadline.store.screen import create_platform, list_platforms, revoke_platform


@click.group()
def platforms() -> None:
    """Add, revoke and list the platforms allowed to call the screening API."""


@platforms.command()
@click.argument("name")
@click.option(
    "--quota", type=click.IntRange(1), help="Ads a day (default THREADLINE_SCREEN_DAILY_QUOTA)."
)
@click.pass_context
def add(ctx: click.Context, name: str, quota: int | None) -> None:
    """Create a platform and print its new API key, alone on the last line (shown once)."""
    database = open_database(ctx)
    with database.transaction() as connection:
        platform, key = create_platform(connection, name, cli_actor(), quota)
    click.echo(f"platform {platform.name} added; its API key is shown once, keep it secret:")
    click.echo(key)


@platforms.command()
@click.argument("name")
@click.pass_context
def revoke(ctx: click.Context, name: str) -> None:
    """Revoke a platform's API key at once."""
    database = open_database(ctx)
    with database.transaction() as connection:
        revoke_platform(connection, name, cli_actor())
    click.echo(f"platform {name} revoked")


@platforms.command(name="list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Platforms with their key prefix, quota and state."""
    database = open_database(ctx)
    with database.transaction() as connection:
        rows = list_platforms(connection)
    for p in rows:
        state = "revoked" if p.revoked_at else "active"
        quota = p.daily_quota if p.daily_quota is not None else "default"
        click.echo(f"{p.name}\t{p.key_prefix}…\t{quota}\t{state}")
