"""The `threadline` command: one group, one module per capability."""

from __future__ import annotations

import sys

import click
from pydantic import ValidationError

from threadline import __version__
from threadline.cli._lazy import LazyCommand, LazyGroup
from threadline.errors import ThreadlineError
from threadline.settings import Settings

__all__ = ["COMMANDS", "cli", "main"]


def _command(module: str, short_help: str) -> LazyCommand:
    return LazyCommand(f"threadline.cli.{module}:{module}", short_help)


# Every subcommand, imported only when it runs; the short help is its first sentence, kept here so
# `threadline --help` imports none of them (tests/cli/test_lazy.py keeps the two in step).
COMMANDS: dict[str, LazyCommand] = {
    "analyze": _command(
        "analyze",
        "Extract identifiers, indicators and risk from new or changed ads, then link all ads.",
    ),
    "audit": _command("audit", "Work with the tamper-evident audit log."),
    "cases": _command(
        "cases",
        "Investigators' cases: ads, networks, contacts, notes and face reviews in one folder.",
    ),
    "collect": _command(
        "collect",
        "Crawl MAPPING (a file or a shipped mapping's name), archive it, ingest what changed.",
    ),
    "evidence": _command("evidence", "Work with evidence packages."),
    "export": _command(
        "export",
        "Export networks and cases: ftm, gexf, graphml, i2, trafficvis, cybertip, evidence.",
    ),
    "extract": _command(
        "extract",
        "Find phones, e-mails, handles, ages, prices, places and indicators in ad records.",
    ),
    "faces": _command(
        "faces",
        "Match faces in ad photos against a missing-persons gallery, as leads for review.",
    ),
    "ingest": _command(
        "ingest",
        "Load ad records from JSON lines (.jsonl) or CSV files; with --mapping, HTML and WARC.",
    ),
    "intercept": _command(
        "intercept",
        "The SMS decoy bot: campaigns, the outbox, statistics and contact reports.",
    ),
    "keys": _command("keys", "Work with the field-encryption key ring."),
    "link": _command(
        "link",
        "Link ads into networks through shared phones, emails, handles, images and templates.",
    ),
    "platforms": _command(
        "platforms", "Add, revoke and list the platforms allowed to call the screening API."
    ),
    "retention": _command(
        "retention", "Retention periods: bot intake, subjects under review, sessions."
    ),
    "serve": _command("serve", "Serve the web console and APIs."),
    "stats": _command(
        "stats",
        "Share of ads covered by the top 10/100/1000 phones, Lorenz curve and Gini coefficient, "
        "ads per city per ISO week, and the terms and emoji the most ads use.",
    ),
    "synth": _command(
        "synth", "Synthetic data with its ground truth (`_truth`, see docs/truth.md)."
    ),
    "users": _command("users", "Create accounts, unlock them, reset them, change roles."),
    "validate": _command(
        "validate",
        "Validate the shipped data files (lexicons, scripts, mappings), or the files given.",
    ),
    "watchlist": _command(
        "watchlist", "Keep the watchlist; platforms see only keyed hashes of it."
    ),
}


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
