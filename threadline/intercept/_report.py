"""The investigator's report on one contact: transcript, facts, enrichment, flags, linked ads."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from sqlalchemy import Connection, Row

from threadline.intercept._config import InterceptConfig
from threadline.store import AuditEvent, DecryptionError, append_audit
from threadline.store import intercept as repo


@dataclass(frozen=True, slots=True)
class ContactReport:
    """A report's content, the SHA-256 of its canonical JSON, and a printable page."""

    content: dict[str, Any]
    sha256: str

    def to_json(self) -> dict[str, Any]:
        """The content with its digest."""
        return {"report": self.content, "sha256": self.sha256}

    def to_html(self) -> str:
        """A printable HTML page of the report."""
        return _html(self.content, self.sha256)


def contact_report(
    connection: Connection, config: InterceptConfig, contact_id: int, actor: str, now: datetime
) -> ContactReport:
    """Assemble a contact's report; every read is audited."""
    contact = repo.contact_record(connection, contact_id)
    phone = _open(config, contact.phone_enc, "intercept_contacts.phone")
    content = {
        "contact": _contact(contact, phone),
        "conversations": [
            _conversation(connection, config, row)
            for row in repo.contact_conversations(connection, contact_id)
        ],
        "linked_ads": [
            _ad(row) for row in repo.linked_ads(connection, repo.ads_with_phone(connection, phone))
        ],
        "generated_at": _iso(now),
    }
    digest = hashlib.sha256(canonical(content)).hexdigest()
    append_audit(
        connection,
        AuditEvent(
            actor,
            "intercept.contact.report",
            "intercept_contact",
            str(contact_id),
            detail={"sha256": digest},
        ),
        now,
    )
    return ContactReport(content, digest)


def canonical(content: dict[str, Any]) -> bytes:
    """The bytes the digest covers: sorted keys, no spaces, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _contact(row: Row[Any], phone: str) -> dict[str, Any]:
    return {
        "id": int(row.id),
        "phone": phone,
        "first_seen": _iso(row.first_seen),
        "last_seen": _iso(row.last_seen),
        "expires_at": _iso(row.expires_at),
        "opted_out_at": _iso(row.opted_out_at),
        "enrichment": row.enrichment,
        "paid_lookup": row.paid_lookup,
        "promoted": row.promoted_at is not None,
        "promoted_by": row.promoted_by,
        "promotion_reason": row.promotion_reason,
        "labels": list(row.labels),
    }


def _conversation(connection: Connection, config: InterceptConfig, row: Row[Any]) -> dict[str, Any]:
    return {
        "id": int(row.id),
        "campaign": row.campaign,
        "decoy_number": row.number,
        "script": f"{row.script_id}@{row.script_version}",
        "status": row.status,
        "flags": list(row.flags),
        "started_at": _iso(row.started_at),
        "disclosed_at": _iso(row.disclosed_at),
        "deterred_at": _iso(row.deterred_at),
        "ad": {
            "site": row.site,
            "city": row.city,
            "posted_at": _iso(row.posted_at),
            "text": row.ad_text,
        }
        if row.site
        else None,
        "transcript": [
            _message(config, m) for m in repo.conversation_messages(connection, int(row.id))
        ],
        "facts": [_fact(config, f) for f in repo.conversation_facts(connection, int(row.id))],
    }


def _message(config: InterceptConfig, row: Row[Any]) -> dict[str, Any]:
    inbound = row.direction == "in"
    text = _open(config, row.body_enc, "intercept_messages.body") if inbound else row.body
    entry: dict[str, Any] = {
        "seq": int(row.seq),
        "direction": row.direction,
        "at": _iso(row.at),
        "text": text,
        "intent": row.intent,
    }
    if not inbound:
        entry |= {
            "script": f"{row.script_id}@{row.script_version}",
            "line": row.reply_key,
            "from": row.from_number,
            "delivery": row.delivery,
            "sent_at": _iso(row.sent_at),
        }
    return entry


def _fact(config: InterceptConfig, row: Row[Any]) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "value": _open(config, row.value_enc, "intercept_facts.value"),
        "message_seq": int(row.message_seq),
        "start": int(row.start),
        "end": int(row.end),
        "source": row.source,
    }


def _ad(row: Row[Any]) -> dict[str, Any]:
    return {
        "ad_id": int(row.id),
        "site": row.site,
        "city": row.city,
        "title": row.title,
        "posted_at": _iso(row.posted_at),
    }


def _open(config: InterceptConfig, token: str, context: str) -> str:
    try:
        return config.cipher.decrypt(token, context)
    except DecryptionError:
        # A report still prints when one field was sealed by a key no longer held.
        return "[cannot decrypt]"


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat(timespec="seconds")


def _html(content: dict[str, Any], digest: str) -> str:
    contact = content["contact"]
    parts = [
        "<!doctype html><html lang=en><meta charset=utf-8>",
        f"<title>Contact {contact['id']}</title>",
        "<style>body{font:14px sans-serif;margin:2em}td,th{border:1px solid #999;padding:2px 6px}"
        "table{border-collapse:collapse}.in{background:#eef}</style>",
        f"<h1>Contact {contact['id']}: {escape(contact['phone'])}</h1>",
        "<p>A lead for a trained investigator to review, not a finding of fact.</p>",
        _dl(contact),
    ]
    for conversation in content["conversations"]:
        parts.append(_conversation_html(conversation))
    parts.append("<h2>Linked ads</h2>" + _table(content["linked_ads"]))
    parts.append(f"<footer>SHA-256 of the content: <code>{digest}</code></footer></html>")
    return "".join(parts)


def _conversation_html(conversation: dict[str, Any]) -> str:
    head = {k: v for k, v in conversation.items() if k not in ("transcript", "facts")}
    return (
        f"<h2>Conversation {conversation['id']} ({escape(str(conversation['campaign']))})</h2>"
        + _dl(head)
        + "<h3>Transcript</h3>"
        + _table(conversation["transcript"])
        + "<h3>Captured facts</h3>"
        + _table(conversation["facts"])
    )


def _dl(values: dict[str, Any]) -> str:
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(_text(v))}</dd>" for k, v in values.items())
    return f"<dl>{rows}</dl>"


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>None.</p>"
    columns = list(dict.fromkeys(k for row in rows for k in row))
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        f"<tr class={escape(str(row.get('direction', '')))}>"
        + "".join(f"<td>{escape(str(row.get(c, '')))}</td>" for c in columns)
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"
