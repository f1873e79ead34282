"""`threadline watchlist`: identifiers investigators want platforms to flag."""

from __future__ import annotations

import click

from threadline.cli._actor import cli_actor
from threadline.cli._common import get_settings
from threadline.cli._db import open_database
from threadline.screen import WATCH_KINDS, Screener, add_to_watchlist
from threadline.store.screen import WATCH_CONTEXT, active_watch, remove_watch


@click.group()
def watchlist() -> None:
    """Keep the watchlist; platforms see only keyed hashes of it."""


@watchlist.command()
@click.argument("kind", type=click.Choice(WATCH_KINDS))
@click.argument("value")
@click.option("--note", default="", help="Why it is watched (investigators only).")
@click.pass_context
def add(ctx: click.Context, kind: str, value: str, note: str) -> None:
    """Add a phone, email, handle (service:handle) or image (file or 64-hex pHash)."""
    database = open_database(ctx)
    screener = Screener.from_settings(get_settings(ctx))
    entry = add_to_watchlist(database, screener, kind, value, note, cli_actor())
    click.echo(f"watchlist entry {entry} ({kind})")


@watchlist.command()
@click.argument("entry", type=int)
@click.pass_context
def remove(ctx: click.Context, entry: int) -> None:
    """Take an entry off the watchlist."""
    database = open_database(ctx)
    with database.transaction() as connection:
        remove_watch(connection, entry, cli_actor())
    click.echo(f"watchlist entry {entry} removed")


@watchlist.command(name="list")
@click.option("--show-values", is_flag=True, help="Print plain values (audited).")
@click.pass_context
def list_(ctx: click.Context, show_values: bool) -> None:
    """Active entries: id, kind, value (or its keyed hash), note."""
    database = open_database(ctx)
    screener = Screener.from_settings(get_settings(ctx))
    with database.transaction() as connection:
        entries = active_watch(connection)
    for e in entries:
        value = screener.cipher.decrypt(e.value_enc, WATCH_CONTEXT) if show_values else e.keyed_hash
        click.echo(f"{e.id}\t{e.kind}\t{value}\t{e.note}")
