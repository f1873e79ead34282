"""Handling inbound messages: idempotent, committed before acknowledged, replies decided."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from threadline.errors import InputError
from threadline.intercept._engine import OPTED_OUT, Outbound, State, Step, step
from threadline.intercept._enrich import PaidLookup, normalize_phone, phone_metadata
from threadline.intercept._script import Script, parse_script, resolve_script, script_digest
from threadline.intercept._types import DUPLICATE, OK, UNKNOWN_NUMBER, Intake, Outcome, Reply
from threadline.settings import Settings
from threadline.store import Database, FieldCipher, keyed_hash
from threadline.store import intercept as repo

log = logging.getLogger(__name__)
MAX_STORED_BODY = 20_000


@dataclass(frozen=True, slots=True)
class InterceptConfig:
    """What the service needs from the settings: keys, delay scale, retention, region."""

    cipher: FieldCipher
    hash_key: bytes
    delay_scale: float = 1.0
    retention: timedelta = timedelta(days=90)
    region: str = "US"

    @classmethod
    def from_settings(cls, settings: Settings) -> InterceptConfig:
        """The configuration the settings describe."""
        secret = settings.resolved_secret_key()
        field_keys = settings.field_keys.get_secret_value() if settings.field_keys else None
        return cls(
            cipher=FieldCipher.from_spec(field_keys, secret),
            hash_key=secret,
            delay_scale=settings.intercept_delay_scale,
            retention=timedelta(days=settings.intercept_retention_days),
            region=settings.default_region,
        )

    def phone_hash(self, e164: str) -> str:
        """The keyed hash that joins a buyer's number across campaigns."""
        return keyed_hash(self.hash_key, "phone", e164)


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
    """Handle many messages in one transaction (group commit); on a conflict, one by one."""
    try:
        with database.transaction() as connection:
            return [
                handle(connection, config, i, ok) for i, ok in zip(intakes, inline, strict=True)
            ]
    except IntegrityError:
        log.info("batch conflict; handling %d messages one by one", len(intakes))
    return [_handle_alone(database, config, i, ok) for i, ok in zip(intakes, inline, strict=True)]


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


def handle(
    connection: Connection, config: InterceptConfig, intake: Intake, inline: bool
) -> Outcome:
    """Store one inbound message, advance its conversation, store and schedule the replies.

    `inline` says the gateway can carry replies in its webhook response; replies due at once
    then go there, everything else goes to the outbox.
    """
    seen = repo.find_inbound(connection, intake.provider, intake.provider_message_id)
    if seen is not None:
        return _replay(connection, *seen)
    campaign = repo.campaign_by_number(connection, normalize_phone(intake.to_number, config.region))
    if campaign is None:
        return Outcome(UNKNOWN_NUMBER)
    phone = normalize_phone(intake.from_number, config.region)
    contact = _contact(connection, config, phone, intake.received_at)
    conversation = _conversation(connection, config, campaign, contact, phone, intake)
    script = parse_script(campaign.script_yaml)
    state = _state(conversation, contact)
    result = step(state, intake.body, script, intake.received_at, config.delay_scale)
    return _record(
        connection, config, _Turn(campaign, contact, conversation, script, intake, result, inline)
    )


@dataclass(frozen=True, slots=True)
class _Turn:
    campaign: repo.Campaign
    contact: repo.ContactRow
    conversation: repo.ConversationRow
    script: Script
    intake: Intake
    result: Step
    inline: bool


def _record(connection: Connection, config: InterceptConfig, turn: _Turn) -> Outcome:
    seq = turn.conversation.message_count + 1
    connection_id = turn.conversation.id
    repo.insert_message(connection, _inbound_row(config, turn, seq))
    replies, queued = _store_replies(connection, turn, seq)
    repo.insert_facts(connection, _fact_rows(config, turn, seq))
    repo.update_conversation(
        connection, connection_id, _conversation_values(turn, seq + len(turn.result.outbound))
    )
    opted_out = "opted_out" in turn.result.flags
    repo.touch_contact(connection, turn.contact.id, turn.intake.received_at, opted_out)
    if opted_out:
        repo.cancel_pending(connection, turn.contact.id)
    return Outcome(OK, tuple(replies), queued, connection_id)


def _store_replies(connection: Connection, turn: _Turn, seq: int) -> tuple[list[Reply], int]:
    replies: list[Reply] = []
    queued: list[dict[str, Any]] = []
    now = turn.intake.received_at
    for offset, out in enumerate(turn.result.outbound, start=1):
        sender = out.from_number or turn.campaign.number
        at_once = turn.inline and out.from_number is None and out.send_at <= now and not queued
        row = _outbound_row(turn, out, seq, seq + offset, sender, at_once)
        message_id = repo.insert_message(connection, row)
        if at_once:
            replies.append(Reply(out.text, sender))
        else:
            queued.append(_outbox_row(turn, message_id, out))
    repo.enqueue(connection, queued)
    return replies, len(queued)


def _replay(connection: Connection, conversation_id: int, seq: int) -> Outcome:
    rows = repo.replies_to(connection, conversation_id, seq)
    inline = tuple(Reply(str(r.body), str(r.from_number)) for r in rows if r.delivery == "inline")
    queued = sum(1 for r in rows if r.delivery != "inline")
    return Outcome(DUPLICATE, inline, queued, conversation_id)


def _contact(
    connection: Connection, config: InterceptConfig, phone: str, now: datetime
) -> repo.ContactRow:
    digest = config.phone_hash(phone)
    found = repo.get_contact(connection, digest)
    if found is not None:
        return found
    values = {
        "phone_hash": digest,
        "phone_enc": config.cipher.encrypt(phone, "intercept_contacts.phone"),
        "first_seen": now,
        "last_seen": now,
        "expires_at": now + config.retention,
        "enrichment": {"phone": phone_metadata(phone)},
    }
    return repo.create_contact(connection, values)


def _conversation(
    connection: Connection,
    config: InterceptConfig,
    campaign: repo.Campaign,
    contact: repo.ContactRow,
    phone: str,
    intake: Intake,
) -> repo.ConversationRow:
    found = repo.get_conversation(connection, campaign.id, contact.id)
    if found is not None:
        return found
    flags = []
    if repo.has_other_conversations(connection, contact.id, campaign.id):
        flags.append("repeat_contact")
    if repo.ads_with_phone(connection, phone):
        flags.append("seen_in_ads")
    seed = config.phone_hash(f"{campaign.id}:{phone}")[:16]
    values = {
        "campaign_id": campaign.id,
        "contact_id": contact.id,
        "ad_id": repo.attributed_ad(connection, campaign.id, intake.received_at),
        "provider": intake.provider,
        "started_at": intake.received_at,
        "last_message_at": intake.received_at,
        "status": "active",
        "script_version": campaign.script_version,
        "message_count": 0,
        "state": State(seed).to_json(),
        "flags": flags,
    }
    return repo.create_conversation(connection, values)


def _state(conversation: repo.ConversationRow, contact: repo.ContactRow) -> State:
    state = State.from_json(conversation.state)
    if contact.opted_out_at is not None and state.status != OPTED_OUT:
        # An opt-out on any decoy number silences every campaign for that number.
        return State(state.seed, OPTED_OUT, state.inbound, state.disclosed_after)
    return state


def _inbound_row(config: InterceptConfig, turn: _Turn, seq: int) -> dict[str, Any]:
    body = turn.intake.body[:MAX_STORED_BODY]
    return {
        "conversation_id": turn.conversation.id,
        "seq": seq,
        "direction": "in",
        "provider": turn.intake.provider,
        "provider_message_id": turn.intake.provider_message_id,
        "body_enc": config.cipher.encrypt(body, "intercept_messages.body"),
        "intent": turn.result.intent,
        "at": turn.intake.received_at,
    }


def _outbound_row(
    turn: _Turn, out: Outbound, reply_to: int, seq: int, sender: str, at_once: bool
) -> dict[str, Any]:
    return {
        "conversation_id": turn.conversation.id,
        "seq": seq,
        "direction": "out",
        "provider": turn.intake.provider,
        "body": out.text,
        "intent": out.kind,
        "script_id": turn.script.id,
        "script_version": turn.script.version,
        "reply_key": out.reply_key,
        "reply_to_seq": reply_to,
        "from_number": sender,
        "at": out.send_at,
        "delivery": "inline" if at_once else "queued",
        "sent_at": turn.intake.received_at if at_once else None,
    }


def _outbox_row(turn: _Turn, message_id: int, out: Outbound) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "conversation_id": turn.conversation.id,
        "provider": turn.intake.provider,
        "due_at": out.send_at,
    }


def _fact_rows(config: InterceptConfig, turn: _Turn, seq: int) -> list[dict[str, Any]]:
    return [
        {
            "conversation_id": turn.conversation.id,
            "contact_id": turn.contact.id,
            "message_seq": seq,
            "kind": fact.kind,
            "value_enc": config.cipher.encrypt(fact.value, "intercept_facts.value"),
            "start": fact.start,
            "end": fact.end,
            "source": fact.source,
        }
        for fact in turn.result.facts
    ]


def _conversation_values(turn: _Turn, last_seq: int) -> dict[str, Any]:
    new_state = turn.result.state
    flags = sorted(set(turn.conversation.flags) | set(turn.result.flags) - {"disclosed"})
    values: dict[str, Any] = {
        "state": new_state.to_json(),
        "status": new_state.status,
        "flags": flags,
        "message_count": last_seq,
        "last_message_at": turn.intake.received_at,
    }
    if "disclosed" in turn.result.flags:
        values["disclosed_at"] = turn.result.outbound[0].send_at
    if "reached_deterrence" in turn.result.flags:
        values["deterred_at"] = turn.result.outbound[0].send_at
    return values


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
