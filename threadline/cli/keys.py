"""`threadline keys rotate`: re-seal every encrypted field under the newest key."""

from __future__ import annotations

import click
from rich.progress import Progress

from threadline.cli._actor import cli_actor
from threadline.cli._common import get_settings, show_progress
from threadline.cli._db import open_database
from threadline.store import AuditEvent, FieldCipher, append_audit
from threadline.store.rotation import rotate_keys


@click.group()
def keys() -> None:
    """Work with the field-encryption key ring."""


@keys.command()
@click.pass_context
def rotate(ctx: click.Context) -> None:
    """Re-encrypt every field sealed by an older key, in small online batches.

    First put the new key first in THREADLINE_FIELD_KEYS (keep the old ones after it) and
    restart the app; run this; then the old keys may be removed.
    """
    settings = get_settings(ctx)
    spec = settings.field_keys.get_secret_value() if settings.field_keys else None
    cipher = FieldCipher.from_spec(spec, settings.resolved_secret_key())
    database = open_database(ctx)
    with Progress(disable=not show_progress(), transient=True) as progress:
        task = progress.add_task("re-encrypting", total=None)
        counts = rotate_keys(database, cipher, on_batch=lambda n: progress.advance(task, n))
    detail = {f"{c.column.table}.{c.column.value_column}": c.rotated for c in counts}
    event = AuditEvent(cli_actor(), "keys.rotate", "key", cipher.primary, "local", "ok", detail)
    with database.transaction() as connection:
        append_audit(connection, event)
    for count in counts:
        name = f"{count.column.table}.{count.column.value_column}"
        click.echo(f"{name}: {count.rotated} of {count.checked} re-encrypted")
