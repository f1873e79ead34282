"""`threadline intercept`: campaigns, decoy ads, the delayed-message sender, stats, reports."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from threadline.cli._common import get_settings, open_output, write_json_line
from threadline.cli._db import open_database
from threadline.errors import InputError
from threadline.intercept import (
    InterceptConfig,
    add_campaign,
    contact_report,
    landscape,
    load_conversations,
    parse_periods,
    send_due,
)
from threadline.model import parse_time
from threadline.store import intercept as repo
from threadline.web.routers.sms import HttpTransport, secrets_from

HEADLINE = (
    "buyers",
    "messages",
    "conversations",
    "reached_deterrence",
    "repeat_rate",
    "continued_after_disclosure_rate",
)


@click.group()
def intercept() -> None:
    """The SMS decoy bot: campaigns, the outbox, statistics and contact reports."""


@intercept.group()
def campaign() -> None:
    """Decoy numbers bound to reviewed scripts."""


@campaign.command("add")
@click.argument("name")
@click.option("--number", required=True, help="The decoy number in E.164 (+15555550100).")
@click.option("--script", "script_ref", required=True, help="A shipped script name or a file.")
@click.pass_context
def campaign_add(ctx: click.Context, name: str, number: str, script_ref: str) -> None:
    """Bind a decoy number to a script (example-en, example-es, or a YAML file)."""
    database = open_database(ctx)
    with database.transaction() as connection:
        campaign_id = add_campaign(connection, name, number, script_ref, datetime.now(UTC))
    click.echo(f"campaign {campaign_id}: {name} on {number}")


@campaign.command("list")
@click.pass_context
def campaign_list(ctx: click.Context) -> None:
    """Every campaign as one JSON line."""
    database = open_database(ctx)
    with database.transaction() as connection, open_output("-") as out:
        for found in repo.list_campaigns(connection):
            write_json_line(
                out,
                {
                    "id": found.id,
                    "name": found.name,
                    "number": found.number,
                    "script": f"{found.script_id}@{found.script_version}",
                    "script_sha256": found.script_sha256,
                },
            )


@campaign.command("ad")
@click.argument("name")
@click.option("--site", required=True, help="Where the agency posted the ad.")
@click.option("--city", required=True, help="The city the ad was posted for.")
@click.option("--posted-at", required=True, help="When it was posted (ISO 8601).")
@click.option("--text", "ad_text", required=True, help="The text the agency wrote.")
@click.option("--url", default=None, help="The ad's address, if any.")
@click.pass_context
def campaign_ad(
    ctx: click.Context,
    name: str,
    site: str,
    city: str,
    posted_at: str,
    ad_text: str,
    url: str | None,
) -> None:
    """Record a decoy ad of a campaign, so conversations are attributed to ad, site and city."""
    posted = parse_time(posted_at)
    if posted is None:
        raise InputError(f"--posted-at {posted_at!r} is not an ISO 8601 time")
    database = open_database(ctx)
    with database.transaction() as connection:
        found = repo.campaign_by_name(connection, name)
        values = {"campaign_id": found.id, "site": site, "city": city, "posted_at": posted}
        ad_id = repo.add_decoy_ad(connection, values | {"text": ad_text, "url": url})
    click.echo(f"ad {ad_id} recorded for {name}")


@intercept.command("send-due")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1, 100_000))
@click.pass_context
def send_due_command(ctx: click.Context, limit: int) -> None:
    """Send the delayed messages that are due now, once, and exit."""
    settings = get_settings(ctx)
    database = open_database(ctx)
    config = InterceptConfig.from_settings(settings)
    counts = send_due(database, config, secrets_from(settings), HttpTransport(), limit=limit)
    click.echo(
        f"sent {counts.sent}, failed {counts.failed}, cancelled {counts.cancelled}, "
        f"to retry {counts.retried}"
    )


@intercept.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object.")
@click.option("--first", default=None, help="First period YYYY-MM-DD..YYYY-MM-DD.")
@click.option("--second", default=None, help="Second period, for capture–recapture.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool, first: str | None, second: str | None) -> None:
    """Buyers, messages, deterrence, repeat and continuation rates; Chapman between periods."""
    periods = parse_periods(first, second)
    database = open_database(ctx)
    with database.transaction() as connection:
        figures = landscape(load_conversations(connection), periods)
    if as_json:
        with open_output("-") as out:
            write_json_line(out, figures)
        return
    for key in HEADLINE:
        click.echo(f"{key:32} {figures[key]}")
    if "capture_recapture" in figures:
        estimate = figures["capture_recapture"]
        click.echo(f"{'buyer population (Chapman)':32} {estimate['estimate']} {estimate['ci95']}")


@intercept.command("report")
@click.argument("contact_id", type=int)
@click.option("--html", "as_html", is_flag=True, help="A printable HTML page instead of JSON.")
@click.option("--actor", default="cli", show_default=True, help="Who reads it (audited).")
@click.pass_context
def report(ctx: click.Context, contact_id: int, as_html: bool, actor: str) -> None:
    """An investigator's report on one contact, with the SHA-256 of its content."""
    settings = get_settings(ctx)
    database = open_database(ctx)
    config = InterceptConfig.from_settings(settings)
    with database.transaction() as connection:
        built = contact_report(connection, config, contact_id, actor, datetime.now(UTC))
    if as_html:
        click.echo(built.to_html())
        return
    with open_output("-") as out:
        write_json_line(out, built.to_json())
