"""`threadline retention`: purge what has outlived its period; review subjects before 5 years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from threadline.cli._actor import cli_actor
from threadline.cli._common import get_settings
from threadline.cli._db import open_database
from threadline.store import AuditEvent, append_audit
from threadline.store.retention import (
    RETENTION_JOBS,
    revalidate_subject,
    run_retention,
    subjects_due,
)


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
        click.echo(f"{purged.job}: purged {purged.total} {purged.object_type} record(s)")
    click.echo(f"{len(RETENTION_JOBS)} job(s) run", err=True)


@retention.command()
@click.option("--days", default=90, show_default=True, type=click.IntRange(0, 3650))
@click.pass_context
def due(ctx: click.Context, days: int) -> None:
    """Subjects whose 5-year review falls within DAYS (purged then unless revalidated)."""
    with open_database(ctx).transaction() as connection:
        found = subjects_due(connection, datetime.now(UTC), timedelta(days=days))
        append_audit(
            connection,
            AuditEvent(
                cli_actor(),
                "subject.review.list",
                "intercept_contact",
                "*",
                "local",
                "ok",
                {"count": len(found)},
            ),
        )
    for subject in found:
        click.echo(f"{subject.contact_id}\t{subject.review_at.date()}\t{subject.promoted_by}")


@retention.command()
@click.argument("contact_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--reason", required=True, help="Why the subject is still relevant (20+ chars).")
@click.pass_context
def revalidate(ctx: click.Context, contact_id: int, reason: str) -> None:
    """Keep a subject for another 5 years, on a written reason."""
    with open_database(ctx).transaction() as connection:
        review_at = revalidate_subject(
            connection, contact_id, reason, cli_actor(), datetime.now(UTC)
        )
    click.echo(f"subject {contact_id} kept; next review {review_at.date()}")
