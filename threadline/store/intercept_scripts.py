"""Activating a reviewed bot script version for a campaign: audited, with a written reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from threadline.errors import InputError, NotFoundError
from threadline.store.audit import AuditEvent, append_audit
from threadline.store.tables_intercept import intercept_campaigns
from threadline.store.tables_scripts import intercept_script_activations

MIN_REASON_CHARS = 20


@dataclass(frozen=True, slots=True)
class ScriptVersion:
    """A validated script version: its id, version number, SHA-256 and YAML text."""

    script_id: str
    version: int
    sha256: str
    yaml: str


def activate_script(
    connection: Connection,
    campaign_id: int,
    script: ScriptVersion,
    reason: str,
    actor: str,
    now: datetime,
) -> int:
    """Bind a campaign to a newer version of its script; returns the activation's id.

    The caller has validated the YAML. The version must belong to the campaign's script and
    rise above the active one, so every transcript's script id and version stay unambiguous.
    """
    reason = reason.strip()
    if len(reason) < MIN_REASON_CHARS:
        raise InputError(f"an activation needs a written reason of {MIN_REASON_CHARS}+ characters")
    current = _locked_campaign(connection, campaign_id)
    if script.script_id != current.script_id:
        raise InputError(f"script {script.script_id!r} is not the campaign's {current.script_id!r}")
    if script.version <= current.script_version:
        raise InputError(f"version must be above the active version {current.script_version}")
    connection.execute(
        update(intercept_campaigns)
        .where(intercept_campaigns.c.id == campaign_id)
        .values(script_version=script.version, script_sha256=script.sha256, script_yaml=script.yaml)
    )
    row = _activation(campaign_id, script, current.script_version, reason, actor, now)
    found = connection.execute(
        insert(intercept_script_activations)
        .values(row)
        .returning(intercept_script_activations.c.id)
    )
    activation_id = int(found.scalar_one())
    detail = {
        "script": f"{script.script_id}@{script.version}",
        "previous": f"{current.script_id}@{current.script_version}",
        "sha256": script.sha256,
        "reason": reason,
    }
    where = ("intercept_campaign", str(campaign_id))
    event = AuditEvent(actor, "intercept.script.activate", *where, detail=detail)
    append_audit(connection, event, now)
    return activation_id


def script_activations(connection: Connection, limit: int = 50) -> list[Any]:
    """Activations, newest first, with the campaign's name."""
    a, c = intercept_script_activations.c, intercept_campaigns.c
    query = (
        select(a.id, c.name.label("campaign"), a.script_id, a.script_version, a.previous_version)
        .add_columns(a.script_sha256, a.activated_by, a.activated_at, a.reason)
        .join(intercept_campaigns, c.id == a.campaign_id)
        .order_by(a.id.desc())
        .limit(limit)
    )
    return list(connection.execute(query))


def _locked_campaign(connection: Connection, campaign_id: int) -> Any:
    query = select(intercept_campaigns).where(intercept_campaigns.c.id == campaign_id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()  # two activations at once: the second sees the first
    row = connection.execute(query).first()
    if row is None:
        raise NotFoundError(f"no campaign {campaign_id}")
    return row


def _activation(
    campaign_id: int, script: ScriptVersion, previous: int, reason: str, actor: str, now: datetime
) -> dict[str, Any]:
    return {
        "campaign_id": campaign_id,
        "script_id": script.script_id,
        "script_version": script.version,
        "script_sha256": script.sha256,
        "script_yaml": script.yaml,
        "previous_version": previous,
        "activated_by": actor,
        "activated_at": now,
        "reason": reason,
    }
