"""Handling inbound messages: idempotent, committed before acknowledged, replies decided."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from threadline.errors import InputError
from threadline.intercept._batch import Batch
from threadline.intercept._config import InterceptConfig
from threadline.intercept._enrich import PaidLookup, normalize_phone
from threadline.intercept._script import resolve_script, script_digest
from threadline.intercept._types import Intake, Outcome
from threadline.store import Database
from threadline.store import intercept as repo

log = logging.getLogger(__name__)


def add_campaign(
    connection: Connection, name: str, number: str, script_ref: str, now: datetime
) -> int:
    """Bind a decoy number to a reviewed script (a shipped name or a file)."""
    script, text = resolve_script(script_ref)
    e164 = normalize_phone(number)
    if not e164.startswith("+"):
        raise InputError(f"{number!r} is not a phone number in E.164 (+15555550100)")
    values = {
        "name": name,
        "number": e164,
        "script_id": script.id,
        "script_version": script.version,
        "script_sha256": script_digest(text),
        "script_yaml": text,
        "created_at": now,
    }
    return repo.add_campaign(connection, values)


def handle_batch(
    database: Database, config: InterceptConfig, intakes: Sequence[Intake], inline: Sequence[bool]
) -> list[Outcome]:
    """Handle many messages in one transaction (group commit); on a conflict, one by one.

    `inline` says, per message, whether its gateway can carry replies in the webhook's own
    response; replies due at once then go there, everything else to the outbox.
    """
    try:
        with database.transaction() as connection:
            return Batch(connection, config).run(intakes, inline)
    except IntegrityError:
        log.info("batch conflict; handling %d messages one by one", len(intakes))
    return [_handle_alone(database, config, i, ok) for i, ok in zip(intakes, inline, strict=True)]


def handle(
    connection: Connection, config: InterceptConfig, intake: Intake, inline: bool
) -> Outcome:
    """Handle one message inside the caller's transaction."""
    return Batch(connection, config).run([intake], [inline])[0]


def _handle_alone(
    database: Database, config: InterceptConfig, intake: Intake, inline: bool
) -> Outcome:
    try:
        with database.transaction() as connection:
            return handle(connection, config, intake, inline)
    except IntegrityError:
        # Another process stored the same delivery first: answer as it was answered.
        with database.transaction() as connection:
            return handle(connection, config, intake, inline)


def enrich_contacts(
    database: Database, config: InterceptConfig, lookup: PaidLookup, limit: int = 100
) -> int:
    """Run a paid lookup for contacts that have none yet; returns how many were looked up."""
    with database.transaction() as connection:
        pending = repo.contacts_without_lookup(connection, limit)
    for contact_id, phone_enc in pending:
        phone = config.cipher.decrypt(phone_enc, "intercept_contacts.phone")
        found = {"provider": lookup.name, **dict(lookup.lookup(phone))}
        with database.transaction() as connection:
            repo.set_paid_lookup(connection, contact_id, found)
    return len(pending)
