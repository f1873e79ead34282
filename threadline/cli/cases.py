"""`threadline cases`: create cases, file items in them, share them, list them."""

from __future__ import annotations

import getpass

import click

from threadline.cli._db import open_database
from threadline.store.cases import ITEM_KINDS, add_item, create_case, share_case, visible_cases

_USER = click.option(
    "--user", default=lambda: getpass.getuser(), show_default="your login", help="Acting user."
)


@click.group()
def cases() -> None:
    """Investigators' cases: ads, networks, contacts, notes and face reviews in one folder."""


@cases.command()
@click.argument("title")
@_USER
@click.pass_context
def create(ctx: click.Context, title: str, user: str) -> None:
    """Open a case owned by the user; prints its id."""
    with open_database(ctx).transaction() as connection:
        case = create_case(connection, title, user)
    click.echo(case.id)


@cases.command()
@click.argument("case_id", type=int)
@click.argument("kind", type=click.Choice(ITEM_KINDS))
@click.argument("ref")
@click.option("--note", default="", help="Why it belongs in the case.")
@_USER
@click.pass_context
def add(ctx: click.Context, case_id: int, kind: str, ref: str, note: str, user: str) -> None:
    """File an item (an ad's database id, a network id, a contact id, ...) in a case."""
    with open_database(ctx).transaction() as connection:
        item = add_item(connection, case_id, user, kind, ref, note)
    click.echo(f"item {item.id} added to case {case_id}")


@cases.command()
@click.argument("case_id", type=int)
@click.argument("with_user")
@_USER
@click.pass_context
def share(ctx: click.Context, case_id: int, with_user: str, user: str) -> None:
    """Share a case you own with another user."""
    with open_database(ctx).transaction() as connection:
        share_case(connection, case_id, user, with_user)
    click.echo(f"case {case_id} shared with {with_user}")


@cases.command(name="list")
@_USER
@click.pass_context
def list_(ctx: click.Context, user: str) -> None:
    """The cases the user owns or that are shared with them."""
    with open_database(ctx).transaction() as connection:
        found = visible_cases(connection, user)
    for case in found:
        click.echo(f"{case.id}\t{case.status}\t{case.owner}\t{case.title}")
