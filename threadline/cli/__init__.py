"""The `threadline` command: one group, one module per capability."""

from __future__ import annotations

import sys

import click
from pydantic import ValidationError

from threadline import __version__
from threadline.cli import (
    analyze,
    audit,
    cases,
    collect,
    evidence,
    export,
    extract,
    faces,
    ingest,
    intercept,
    keys,
    link,
    platforms,
    retention,
    serve,
    stats,
    synth,
    users,
    validate,
    watchlist,
)
from threadline.errors import ThreadlineError
from threadline.settings import Settings

__all__ = ["cli", "main"]

COMMANDS: tuple[click.Command, ...] = (
    analyze.analyze,
    audit.audit,
    cases.cases,
    collect.collect,
    evidence.evidence,
    export.export,
    extract.extract,
    faces.faces,
    ingest.ingest,
    intercept.intercept,
    keys.keys,
    link.link,
    platforms.platforms,
    retention.retention,
    serve.serve,
    stats.stats,
    synth.synth,
    users.users,
    validate.validate,
    watchlist.watchlist,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="threadline")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Threadline: counter-trafficking intelligence from ads, faces and decoy conversations.

    Commands read and write JSON lines (`-` is stdin/stdout) so they compose in pipes.
    Configuration comes from THREADLINE_* environment variables (see the README).
    """
    try:
        ctx.obj = Settings()
    except ValidationError as exc:
        raise click.ClickException(f"bad setting: {exc.errors()[0]['msg']}") from exc


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Run the CLI; expected failures print one line and exit non-zero, no traceback."""
    try:
        status = cli.main(prog_name="threadline", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ThreadlineError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    sys.exit(status if isinstance(status, int) else 0)
