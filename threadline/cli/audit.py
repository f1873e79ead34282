"""`threadline audit`: prove the audit chain; sign, export and check its head."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from threadline.cli._actor import cli_actor
from threadline.cli._common import get_settings
from threadline.cli._db import open_database
from threadline.errors import InputError
from threadline.store import AuditEvent, append_audit, verify_chain
from threadline.store.signing import check_signed_head, latest_signed_head, sign_head, signing_key


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


@audit.command("sign-head")
@click.pass_context
def sign_head_command(ctx: click.Context) -> None:
    """Sign the chain head with the Ed25519 key and print it as JSON (to anchor elsewhere)."""
    key = _signing_key(ctx)
    with open_database(ctx).transaction() as connection:
        head = sign_head(connection, key, datetime.now(UTC))
        event = AuditEvent(cli_actor(), "audit.head.sign", "audit_head", str(head.seq), "local")
        append_audit(connection, event)
    click.echo(json.dumps(head.as_dict(), sort_keys=True))


@audit.command("export-head")
@click.pass_context
def export_head(ctx: click.Context) -> int:
    """Print the most recent signed head as JSON (exit 1 when none was signed yet)."""
    with open_database(ctx).transaction() as connection:
        head = latest_signed_head(connection)
        event = AuditEvent(cli_actor(), "audit.head.export", "audit_head", "", "local")
        append_audit(connection, event)
    if head is None:
        click.echo("no head has been signed yet: threadline audit sign-head", err=True)
        return 1
    click.echo(json.dumps(head.as_dict(), sort_keys=True))
    return 0


@audit.command("check-head")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--public-key", help="Hex public key the head must be signed by.")
@click.pass_context
def check_head(ctx: click.Context, path: Path, public_key: str | None) -> int:
    """Prove that an exported head still matches this log (exit 1 and why, if not)."""
    try:
        exported = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable JSON head") from exc
    if not isinstance(exported, dict):
        raise InputError(f"{path}: not a JSON object")
    with open_database(ctx).transaction() as connection:
        problem = check_signed_head(connection, exported, public_key)
    if problem:
        click.echo(f"does not hold: {problem}", err=True)
        return 1
    click.echo(f"ok: row {exported['seq']} still has hash {exported['hash']}")
    return 0


def _signing_key(ctx: click.Context) -> Ed25519PrivateKey:
    settings = get_settings(ctx)
    spec = settings.audit_signing_key.get_secret_value() if settings.audit_signing_key else None
    return signing_key(spec, settings.resolved_secret_key())
