"""`threadline export`: networks and cases in the formats investigators' tools read."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import IO

import click
from sqlalchemy import Connection

from threadline.cli._actor import cli_actor
from threadline.cli._common import get_settings, open_output
from threadline.cli._db import open_database
from threadline.report import (
    Reporter,
    Selection,
    build_evidence,
    export_cybertip,
    export_ftm,
    export_graph,
    export_i2,
    export_trafficvis,
    i2_spec,
)

Exporter = Callable[[Connection, IO[bytes], str, Selection], int]
_OUT = click.option("-o", "--output", default="-", show_default=True, help="File, or - for stdout.")
_NETWORK = click.option(
    "--network", "networks", multiple=True, help="Only this network (repeatable)."
)
_MIN_SIZE = click.option(
    "--min-size", default=1, show_default=True, type=click.IntRange(1),
    help="Only ads in networks of at least this many ads (1: every ad).",
)  # fmt: skip
_USER = click.option(
    "--user", default=lambda: getpass.getuser(), show_default="your login", help="Acting user."
)


@click.group()
def export() -> None:
    """Export networks and cases: ftm, gexf, graphml, i2, trafficvis, cybertip, evidence."""


def _run(ctx: click.Context, exporter: Exporter, output: str, selection: Selection) -> int:
    database = open_database(ctx)
    with database.transaction() as connection, open_output(output) as stream:
        count = exporter(connection, stream, cli_actor(), selection)
    return count


@export.command()
@_OUT
@_NETWORK
@_MIN_SIZE
@click.pass_context
def ftm(ctx: click.Context, output: str, networks: tuple[str, ...], min_size: int) -> None:
    """FollowTheMoney entities as JSON lines (for `alephclient write-entities`)."""
    count = _run(ctx, export_ftm, output, Selection(networks, min_size))
    click.echo(f"{count} entities", err=True)


@export.command()
@_OUT
@_NETWORK
@_MIN_SIZE
@click.pass_context
def gexf(ctx: click.Context, output: str, networks: tuple[str, ...], min_size: int) -> None:
    """Ads and identifiers as a GEXF graph (Gephi)."""
    count = _run(
        ctx,
        lambda c, s, a, sel: export_graph(c, s, "gexf", a, sel),
        output,
        Selection(networks, min_size),
    )
    click.echo(f"{count} nodes", err=True)


@export.command()
@_OUT
@_NETWORK
@_MIN_SIZE
@click.pass_context
def graphml(ctx: click.Context, output: str, networks: tuple[str, ...], min_size: int) -> None:
    """Ads and identifiers as a GraphML graph (networkx, Gephi, yEd)."""
    count = _run(
        ctx,
        lambda c, s, a, sel: export_graph(c, s, "graphml", a, sel),
        output,
        Selection(networks, min_size),
    )
    click.echo(f"{count} nodes", err=True)


@export.command()
@_OUT
@_NETWORK
@_MIN_SIZE
@click.option("--spec", type=click.Path(path_type=Path), help="Where to write the import spec.")
@click.pass_context
def i2(
    ctx: click.Context, output: str, networks: tuple[str, ...], min_size: int, spec: Path | None
) -> None:
    """i2 Analyst's Notebook CSV, and its import specification beside it (OUTPUT.spec.txt)."""
    count = _run(ctx, export_i2, output, Selection(networks, min_size))
    if spec is None and output != "-":
        spec = Path(output + ".spec.txt")
    if spec is not None:
        spec.write_text(i2_spec(Path(output).name), encoding="utf-8")
    click.echo(f"{count} links" + (f"; import specification {spec}" if spec else ""), err=True)


@export.command()
@_OUT
@_NETWORK
@_MIN_SIZE
@click.pass_context
def trafficvis(ctx: click.Context, output: str, networks: tuple[str, ...], min_size: int) -> None:
    """TrafficVis CSV (CMU): one row per ad, networks as LSH labels."""
    count = _run(ctx, export_trafficvis, output, Selection(networks, min_size))
    click.echo(f"{count} ads", err=True)


@export.command()
@click.argument("case_id", type=int)
@_OUT
@_USER
@click.option("--reporter-first", required=True, help="First name of the person who submits it.")
@click.option("--reporter-last", required=True, help="Last name of the person who submits it.")
@click.option("--reporter-email", required=True, help="Email of the person who submits it.")
@click.pass_context
def cybertip(
    ctx: click.Context,
    case_id: int,
    output: str,
    user: str,
    reporter_first: str,
    reporter_last: str,
    reporter_email: str,
) -> None:
    """CyberTipline report XML for a case with a juvenile indicator (for a person to submit)."""
    reporter = Reporter(reporter_first, reporter_last, reporter_email)
    with open_database(ctx).transaction() as connection:
        document = export_cybertip(connection, case_id, user, reporter)
    with open_output(output) as stream:
        stream.write(document)
    click.echo("CyberTipline report written; Threadline never submits it", err=True)


@export.command()
@click.argument("case_id", type=int)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="PKG.zip")
@_USER
@click.pass_context
def evidence(ctx: click.Context, case_id: int, output: Path, user: str) -> None:
    """Evidence package for a case: items, manifest, custody log, README, verify.py."""
    package = build_evidence(open_database(ctx), get_settings(ctx), case_id, user, output)
    click.echo(
        f"{package.files} files in {package.path}; manifest SHA-256 {package.manifest_sha256}"
    )
