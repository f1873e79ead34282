"""One group of inbound messages handled in one transaction, with a few set-wise statements.

Reads are batched (stored deliveries, contacts, conversations, ad cross-links), the engine
runs per message in arrival order on in-memory state, and writes go out as executemany at the
end. One commit (one fsync) then covers the whole group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from threadline.intercept._config import InterceptConfig
from threadline.intercept._engine import OPTED_OUT, Outbound, State, Step, step
from threadline.intercept._enrich import normalize_phone, phone_metadata
from threadline.intercept._script import Script, parse_script
from threadline.intercept._types import DUPLICATE, OK, UNKNOWN_NUMBER, Intake, Outcome, Reply
from threadline.store import FieldCipher
from threadline.store import intercept as repo

MAX_STORED_BODY = 20_000
Key = tuple[str, str]
_MESSAGE_KEYS = (
    "conversation_id", "seq", "direction", "provider", "provider_message_id", "body_enc", "body",
    "intent", "script_id", "script_version", "reply_key", "reply_to_seq", "from_number", "at",
    "delivery", "sent_at",
)  # fmt: skip


@dataclass(slots=True)
class _Live:
    """A conversation as the batch changes it."""

    row: repo.ConversationRow
    contact: repo.ContactRow
    state: State
    count: int
    flags: set[str]
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Route:
    campaign: repo.Campaign
    phone: str
    phone_hash: str


class Batch:
    """Handles one group of messages inside the caller's transaction."""

    def __init__(self, connection: Connection, keys: InterceptConfig) -> None:
        self.connection = connection
        self.keys = keys
        self.campaigns: dict[str, repo.Campaign | None] = {}
        self.ad_times: dict[int, list[tuple[datetime, int]]] = {}
        self.contacts: dict[str, repo.ContactRow] = {}
        self.by_id: dict[int, repo.ContactRow] = {}
        self.live: dict[tuple[int, int], _Live] = {}
        self.messages: list[dict[str, Any]] = []
        self.facts: list[dict[str, Any]] = []
        self.outbox: list[dict[str, Any]] = []
        self.opted_out: set[int] = set()
        self.touched: dict[int, dict[str, Any]] = {}

    def run(self, intakes: Sequence[Intake], inline: Sequence[bool]) -> list[Outcome]:
        """An outcome per message, in order; duplicates get the first answer again."""
        keys = [(i.provider, i.provider_message_id) for i in intakes]
        stored = repo.find_inbound_many(self.connection, keys)
        answers = {k: _as_duplicate(_replay(self.connection, *w)) for k, w in stored.items()}
        fresh = _first_of_each(
            [(k, i, ok) for k, i, ok in zip(keys, intakes, inline, strict=True) if k not in answers]
        )
        routes = self._routes([i for _, i, _ in fresh])
        self._prepare([(r, i) for r, i in ((routes[k], i) for k, i, _ in fresh) if r is not None])
        for key, intake, ok in fresh:
            route = routes.get(key)
            answers[key] = self._turn(route, intake, ok) if route else Outcome(UNKNOWN_NUMBER)
        self._flush()
        return _in_order(keys, answers)

    def _routes(self, intakes: Sequence[Intake]) -> dict[Key, _Route | None]:
        routes: dict[Key, _Route | None] = {}
        for intake in intakes:
            campaign = self._campaign(normalize_phone(intake.to_number, self.keys.region))
            phone = normalize_phone(intake.from_number, self.keys.region)
            key = (intake.provider, intake.provider_message_id)
            routes[key] = _Route(campaign, phone, self.keys.phone_hash(phone)) if campaign else None
        return routes

    def _campaign(self, number: str) -> repo.Campaign | None:
        if number not in self.campaigns:
            self.campaigns[number] = repo.campaign_by_number(self.connection, number)
        return self.campaigns[number]

    def _prepare(self, routed: Sequence[tuple[_Route, Intake]]) -> None:
        self._load_contacts(routed)
        existing = repo.conversations_of(self.connection, list(self.by_id))
        for row in existing:
            self.live[(row.campaign_id, row.contact_id)] = _live(row, self.by_id[row.contact_id])
        self._create_conversations(routed, {(r.contact_id, r.campaign_id) for r in existing})

    def _load_contacts(self, routed: Sequence[tuple[_Route, Intake]]) -> None:
        hashes = [route.phone_hash for route, _ in routed]
        self.contacts = repo.contacts_by_hash(self.connection, hashes)
        new: dict[str, dict[str, Any]] = {}
        for route, intake in routed:
            if route.phone_hash not in self.contacts and route.phone_hash not in new:
                new[route.phone_hash] = self._contact_row(route, intake.received_at)
        for contact in repo.create_contacts(self.connection, list(new.values())):
            self.contacts[contact.phone_hash] = contact
        self.by_id = {contact.id: contact for contact in self.contacts.values()}

    def _contact_row(self, route: _Route, now: datetime) -> dict[str, Any]:
        return {
            "phone_hash": route.phone_hash,
            "phone_enc": self.keys.cipher.encrypt(route.phone, "intercept_contacts.phone"),
            "first_seen": now,
            "last_seen": now,
            "expires_at": now + self.keys.retention,
            "enrichment": {"phone": phone_metadata(route.phone)},
        }

    def _create_conversations(
        self, routed: Sequence[tuple[_Route, Intake]], existing: set[tuple[int, int]]
    ) -> None:
        pending: dict[tuple[int, int], dict[str, Any]] = {}
        in_ads = repo.phones_in_ads(self.connection, [r.phone for r, _ in routed])
        contacts_seen = {contact for contact, _ in existing}
        for route, intake in routed:
            contact = self.contacts[route.phone_hash]
            pair = (route.campaign.id, contact.id)
            if pair in self.live or pair in pending:
                continue
            repeat = contact.id in contacts_seen or any(p[1] == contact.id for p in pending)
            flags = (["repeat_contact"] if repeat else []) + (
                ["seen_in_ads"] if route.phone in in_ads else []
            )
            pending[pair] = self._conversation_row(route, contact, intake, flags)
        for row in repo.create_conversations(self.connection, list(pending.values())):
            self.live[(row.campaign_id, row.contact_id)] = _live(row, self.by_id[row.contact_id])

    def _conversation_row(
        self, route: _Route, contact: repo.ContactRow, intake: Intake, flags: list[str]
    ) -> dict[str, Any]:
        seed = self.keys.phone_hash(f"{route.campaign.id}:{route.phone}")[:16]
        return {
            "campaign_id": route.campaign.id,
            "contact_id": contact.id,
            "ad_id": repo.attribute(self._ad_times(route.campaign.id), intake.received_at),
            "provider": intake.provider,
            "started_at": intake.received_at,
            "last_message_at": intake.received_at,
            "status": "active",
            "script_version": route.campaign.script_version,
            "message_count": 0,
            "state": State(seed).to_json(),
            "flags": flags,
        }

    def _ad_times(self, campaign_id: int) -> list[tuple[datetime, int]]:
        if campaign_id not in self.ad_times:  # once per batch, not twice per new buyer
            self.ad_times[campaign_id] = repo.decoy_ad_times(self.connection, campaign_id)
        return self.ad_times[campaign_id]

    def _turn(self, route: _Route, intake: Intake, inline: bool) -> Outcome:
        live = self.live[(route.campaign.id, self.contacts[route.phone_hash].id)]
        script = parse_script(route.campaign.script_yaml)
        state = _silenced(live.state) if live.contact.id in self.opted_out else live.state
        result = step(state, intake.body, script, intake.received_at, self.keys.delay_scale)
        seq = live.count + 1
        self.messages.append(_inbound_row(self.keys.cipher, live, intake, result, seq))
        self.facts += _fact_rows(self.keys.cipher, live, result, seq)
        replies, queued = self._replies(route, live, script, intake, result, seq, inline)
        self._advance(live, intake, result, seq + len(result.outbound))
        return Outcome(OK, tuple(replies), queued, live.row.id)

    def _replies(
        self, route: _Route, live: _Live, script: Script, intake: Intake, result: Step,
        seq: int, inline: bool,
    ) -> tuple[list[Reply], int]:  # fmt: skip
        replies: list[Reply] = []
        queued = 0
        for offset, out in enumerate(result.outbound, start=1):
            sender = out.from_number or route.campaign.number
            at_once = inline and not queued and out.from_number is None
            at_once = at_once and out.send_at <= intake.received_at
            self.messages.append(
                _outbound_row(live, script, intake, out, (seq, seq + offset), sender, at_once)
            )
            if at_once:
                replies.append(Reply(out.text, sender))
                continue
            queued += 1
            self.outbox.append(_outbox_row(live, intake, seq + offset, out))
        return replies, queued

    def _advance(self, live: _Live, intake: Intake, result: Step, last_seq: int) -> None:
        live.state, live.count = result.state, last_seq
        live.flags |= set(result.flags) - {"disclosed"}
        live.values.update(
            state=result.state.to_json(), status=result.state.status, flags=sorted(live.flags),
            message_count=last_seq, last_message_at=intake.received_at,
        )  # fmt: skip
        if "disclosed" in result.flags:
            live.values.setdefault("disclosed_at", result.outbound[0].send_at)
        if "reached_deterrence" in result.flags:
            live.values.setdefault("deterred_at", result.outbound[0].send_at)
        touch = {"_id": live.contact.id, "last_seen": intake.received_at, "opted_out_at": None}
        if "opted_out" in result.flags:
            self.opted_out.add(live.contact.id)
            touch["opted_out_at"] = intake.received_at
        previous = self.touched.get(live.contact.id, {})
        touch["opted_out_at"] = previous.get("opted_out_at") or touch["opted_out_at"]
        self.touched[live.contact.id] = touch

    def _flush(self) -> None:
        repo.insert_messages(self.connection, self.messages)
        repo.insert_facts(self.connection, self.facts)
        repo.enqueue(self.connection, self.outbox)
        dirty = [{"_id": live.row.id, **live.values} for live in self.live.values() if live.values]
        repo.update_conversations(self.connection, _same_keys(dirty))
        repo.touch_contacts(self.connection, list(self.touched.values()))
        for contact_id in sorted(self.opted_out):
            repo.cancel_pending(self.connection, contact_id)


def _live(row: repo.ConversationRow, contact: repo.ContactRow) -> _Live:
    state = State.from_json(row.state)
    if contact.opted_out_at is not None and state.status != OPTED_OUT:
        # An opt-out on any decoy number silences every campaign for that number.
        state = _silenced(state)
    return _Live(row, contact, state, row.message_count, set(row.flags))


def _silenced(state: State) -> State:
    return replace(state, status=OPTED_OUT)


def _replay(connection: Connection, conversation_id: int, seq: int) -> Outcome:
    rows = repo.replies_to(connection, conversation_id, seq)
    inline = tuple(Reply(str(r.body), str(r.from_number)) for r in rows if r.delivery == "inline")
    queued = sum(1 for r in rows if r.delivery != "inline")
    return Outcome(OK, inline, queued, conversation_id)


def _as_duplicate(outcome: Outcome) -> Outcome:
    return replace(outcome, status=DUPLICATE)


def _first_of_each(items: list[tuple[Key, Intake, bool]]) -> list[tuple[Key, Intake, bool]]:
    seen: set[Key] = set()
    kept = []
    for item in items:
        if item[0] not in seen:
            seen.add(item[0])
            kept.append(item)
    return kept


def _in_order(keys: Sequence[Key], answers: dict[Key, Outcome]) -> list[Outcome]:
    # A key repeated inside one batch is a retry: the first gets the answer, the rest a copy.
    result, seen = [], set()
    for key in keys:
        answer = answers[key]
        duplicate = key in seen and answer.status == OK
        result.append(_as_duplicate(answer) if duplicate else answer)
        seen.add(key)
    return result


def _same_keys(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # executemany needs one set of keys; absent times stay NULL and COALESCE keeps the old.
    return [{"disclosed_at": None, "deterred_at": None, **row} for row in rows]


def _inbound_row(
    cipher: FieldCipher, live: _Live, intake: Intake, result: Step, seq: int
) -> dict[str, Any]:
    row = dict.fromkeys(_MESSAGE_KEYS)
    row.update(
        conversation_id=live.row.id, seq=seq, direction="in", provider=intake.provider,
        provider_message_id=intake.provider_message_id, intent=result.intent,
        body_enc=cipher.encrypt(intake.body[:MAX_STORED_BODY], "intercept_messages.body"),
        at=intake.received_at,
    )  # fmt: skip
    return row


def _outbound_row(
    live: _Live, script: Script, intake: Intake, out: Outbound, seqs: tuple[int, int],
    sender: str, at_once: bool,
) -> dict[str, Any]:  # fmt: skip
    row = dict.fromkeys(_MESSAGE_KEYS)
    row.update(
        conversation_id=live.row.id, seq=seqs[1], direction="out", provider=intake.provider,
        body=out.text, intent=out.kind, script_id=script.id, script_version=script.version,
        reply_key=out.reply_key, reply_to_seq=seqs[0], from_number=sender, at=out.send_at,
        delivery="inline" if at_once else "queued",
        sent_at=intake.received_at if at_once else None,
    )  # fmt: skip
    return row


def _outbox_row(live: _Live, intake: Intake, seq: int, out: Outbound) -> dict[str, Any]:
    return {
        "conversation_id": live.row.id,
        "message_seq": seq,
        "provider": intake.provider,
        "due_at": out.send_at,
    }


def _fact_rows(cipher: FieldCipher, live: _Live, result: Step, seq: int) -> list[dict[str, Any]]:
    return [
        {
            "conversation_id": live.row.id,
            "contact_id": live.contact.id,
            "message_seq": seq,
            "kind": fact.kind,
            "value_enc": cipher.encrypt(fact.value, "intercept_facts.value"),
            "start": fact.start,
            "end": fact.end,
            "source": fact.source,
        }
        for fact in result.facts
    ]
