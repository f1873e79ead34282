"""Screening repository: platforms and API keys, usage, request log, watchlist, tips and leads."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    tuple_,
    update,
)

from threadline.errors import InputError, NotFoundError
from threadline.store.audit import AuditEvent, append_audit
from threadline.store.crypto import FieldCipher, derive_key
from threadline.store.screen_leads import REOPENED_BY_A_TIP
from threadline.store.tables import ad_identifiers, ads, identifiers, memberships, networks
from threadline.store.tables_screen import (
    lead_keys,
    leads,
    screen_platforms,
    screen_requests,
    screen_usage,
    tips,
    watchlist,
    watchlist_images,
)

KEY_PREFIX = "tlk_"
WATCH_CONTEXT = "watchlist.value"
ACCOUNT_CONTEXT = "tips.account"
IMAGE_HASHES_CONTEXT = "watchlist.image_hashes"


@dataclass(frozen=True, slots=True)
class Platform:
    """An ad platform allowed to call the screening API."""

    id: int
    name: str
    key_prefix: str
    hash_salt: str
    daily_quota: int | None
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class WatchEntry:
    """One watchlist entry with its sealed value (only the server can open it)."""

    id: int
    kind: str
    keyed_hash: str
    value_enc: str
    note: str
    added_by: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class TipIn:
    """A report filed by a platform, ready to store (keys are keyed hashes of identifiers)."""

    platform_id: int
    ad_row_id: int
    reason: str
    account_json: str
    juvenile: bool
    score: float
    decision: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lead:
    """A lead in the investigators' tip queue."""

    id: int
    status: str
    juvenile: bool
    score: float
    tips: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NetworkMatch:
    """The stored networks that share an identifier with an ad, in summary."""

    networks: int = 0
    max_size: int = 0
    juvenile: bool = False
    risk_max: float = 0.0


def known_networks(connection: Connection, pairs: Sequence[tuple[str, str]]) -> NetworkMatch:
    """Networks holding an ad with any of these (kind, value) identifiers, in summary."""
    found = networks_by_identifier(connection, pairs)
    return summarize_networks({n for rows in found.values() for n in rows})


NetworkRow = tuple[str, int, bool, float]  # id, size, juvenile, risk_max


def networks_by_identifier(
    connection: Connection, pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[NetworkRow, ...]]:
    """For each (kind, value), the stored networks holding an ad that shows it."""
    found: dict[tuple[str, str], set[NetworkRow]] = {pair: set() for pair in pairs}
    if not pairs:
        return {}
    query = (
        select(
            identifiers.c.kind,
            identifiers.c.value,
            networks.c.id,
            networks.c.size,
            networks.c.juvenile,
            networks.c.risk_max,
        )
        .select_from(identifiers)
        .join(ad_identifiers, ad_identifiers.c.identifier_id == identifiers.c.id)
        .join(memberships, memberships.c.ad_id == ad_identifiers.c.ad_id)
        .join(networks, networks.c.id == memberships.c.network_id)
        .where(tuple_(identifiers.c.kind, identifiers.c.value).in_(list(pairs)))
        .distinct()
    )
    for kind, value, *network in connection.execute(query):
        row = (str(network[0]), int(network[1]), bool(network[2]), float(network[3]))
        found[(kind, value)].add(row)
    return {pair: tuple(sorted(rows)) for pair, rows in found.items()}


def summarize_networks(rows: set[NetworkRow]) -> NetworkMatch:
    """The summary of a set of networks."""
    if not rows:
        return NetworkMatch()
    return NetworkMatch(
        networks=len(rows),
        max_size=max(r[1] for r in rows),
        juvenile=any(r[2] for r in rows),
        risk_max=max(r[3] for r in rows),
    )


def ad_row_id(connection: Connection, source_id: int, ext_id: str) -> int:
    """The database id of a stored ad."""
    found = connection.execute(
        select(ads.c.id).where(ads.c.source_id == source_id, ads.c.ext_id == ext_id)
    ).scalar()
    if found is None:
        raise NotFoundError(f"no ad {ext_id!r}")
    return int(found)


def hash_api_key(key: str) -> str:
    """SHA-256 of an API key, as stored."""
    return hashlib.sha256(key.encode()).hexdigest()


def platform_hash_key(secret: bytes, platform: Platform) -> bytes:
    """The platform's own HMAC key for its downloadable watchlist."""
    return derive_key(secret, f"watchlist platform {platform.hash_salt}".encode())


def platform_keyed_hash(key: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of `kind:value` under a platform's key, as hex."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def create_platform(
    connection: Connection, name: str, actor: str, daily_quota: int | None = None
) -> tuple[Platform, str]:
    """A new platform and its API key (returned once, stored only as a hash)."""
    if connection.execute(
        select(screen_platforms.c.id).where(screen_platforms.c.name == name)
    ).first():
        raise InputError(f"platform {name!r} exists; revoke it first or choose another name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    values = {
        "name": name,
        "key_hash": hash_api_key(key),
        "key_prefix": key[:10],
        "hash_salt": secrets.token_hex(16),
        "daily_quota": daily_quota,
        "created_at": datetime.now(UTC),
        "created_by": actor,
    }
    platform_id = connection.execute(
        insert(screen_platforms).values(**values).returning(screen_platforms.c.id)
    ).scalar_one()
    _audit(connection, actor, "platform.create", "platform", name, {"prefix": key[:10]})
    return get_platform(connection, int(platform_id)), key


def revoke_platform(connection: Connection, name: str, actor: str) -> Platform:
    """Revoke a platform's key at once; later calls with it get 401."""
    found = connection.execute(
        update(screen_platforms)
        .where(screen_platforms.c.name == name, screen_platforms.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
        .returning(screen_platforms.c.id)
    ).first()
    if found is None:
        raise NotFoundError(f"no active platform named {name!r}")
    _audit(connection, actor, "platform.revoke", "platform", name, {})
    return get_platform(connection, int(found.id))


def get_platform(connection: Connection, platform_id: int) -> Platform:
    """One platform by id."""
    row = connection.execute(
        select(screen_platforms).where(screen_platforms.c.id == platform_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no platform {platform_id}")
    return _platform(row)


def list_platforms(connection: Connection) -> list[Platform]:
    """Every platform, revoked ones included, by name."""
    rows = connection.execute(select(screen_platforms).order_by(screen_platforms.c.name))
    return [_platform(row) for row in rows]


def platform_for_key(connection: Connection, key: str) -> Platform | None:
    """The active platform holding this API key, or None."""
    row = connection.execute(
        select(screen_platforms).where(
            screen_platforms.c.key_hash == hash_api_key(key),
            screen_platforms.c.revoked_at.is_(None),
        )
    ).first()
    return _platform(row) if row is not None else None


def add_usage(connection: Connection, platform_id: int, day: date, ads: int) -> int:
    """Count ads screened today for the platform; returns the new total."""
    updated = connection.execute(
        update(screen_usage)
        .where(screen_usage.c.platform_id == platform_id, screen_usage.c.day == day)
        .values(ads=screen_usage.c.ads + ads)
        .returning(screen_usage.c.ads)
    ).first()
    if updated is not None:
        return int(updated.ads)
    connection.execute(insert(screen_usage).values(platform_id=platform_id, day=day, ads=ads))
    return ads


def usage_on(connection: Connection, platform_id: int, day: date) -> int:
    """Ads screened by the platform on the day."""
    found = connection.execute(
        select(screen_usage.c.ads).where(
            screen_usage.c.platform_id == platform_id, screen_usage.c.day == day
        )
    ).scalar()
    return int(found or 0)


# Built once: the screening hot path runs it on every call.
_ACTIVE_USAGE = (
    select(screen_platforms.c.revoked_at, func.coalesce(screen_usage.c.ads, 0))
    .select_from(screen_platforms)
    .outerjoin(
        screen_usage,
        and_(
            screen_usage.c.platform_id == screen_platforms.c.id,
            screen_usage.c.day == bindparam("day"),
        ),
    )
    .where(screen_platforms.c.id == bindparam("platform_id"))
)


def usage_if_active(connection: Connection, platform_id: int, day: date) -> int | None:
    """Ads screened by the platform on the day, or None when its key is revoked (or gone):
    one statement, so a revocation made by any process counts on the very next call."""
    row = connection.execute(_ACTIVE_USAGE, {"platform_id": platform_id, "day": day}).first()
    if row is None or row[0] is not None:
        return None
    return int(row[1])


def log_requests(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Append screening decisions to the request log (no ad content is kept)."""
    if rows:
        connection.execute(insert(screen_requests), list(rows))


def count_requests(connection: Connection, platform_id: int) -> int:
    """How many ads the platform has had screened, all time."""
    query = select(func.count()).select_from(screen_requests)
    return int(
        connection.execute(query.where(screen_requests.c.platform_id == platform_id)).scalar_one()
    )


def add_watch(
    connection: Connection,
    entry: tuple[str, str, str],
    actor: str,
    cipher: FieldCipher,
    hashed: str,
) -> int:
    """Add (kind, normalized value, note) under its server keyed hash; idempotent per value."""
    kind, value, note = entry
    existing = connection.execute(
        select(watchlist.c.id).where(watchlist.c.kind == kind, watchlist.c.keyed_hash == hashed)
    ).first()
    if existing is not None:
        connection.execute(
            update(watchlist).where(watchlist.c.id == existing.id).values(removed_at=None)
        )
        return int(existing.id)
    values = {
        "kind": kind,
        "keyed_hash": hashed,
        "value_enc": cipher.encrypt(value, WATCH_CONTEXT),
        "note": note,
        "added_by": actor,
        "added_at": datetime.now(UTC),
    }
    entry_id = connection.execute(
        insert(watchlist).values(**values).returning(watchlist.c.id)
    ).scalar_one()
    _audit(connection, actor, "watchlist.add", "watchlist", str(entry_id), {"kind": kind})
    return int(entry_id)


def remove_watch(connection: Connection, entry_id: int, actor: str) -> None:
    """Take an entry off the watchlist (the row stays for the record)."""
    done = connection.execute(
        update(watchlist)
        .where(watchlist.c.id == entry_id, watchlist.c.removed_at.is_(None))
        .values(removed_at=datetime.now(UTC))
    )
    if done.rowcount == 0:
        raise NotFoundError(f"no active watchlist entry {entry_id}")
    _audit(connection, actor, "watchlist.remove", "watchlist", str(entry_id), {})


def active_watch(connection: Connection) -> list[WatchEntry]:
    """Every active watchlist entry, oldest first."""
    rows = connection.execute(
        select(watchlist).where(watchlist.c.removed_at.is_(None)).order_by(watchlist.c.id)
    )
    return [
        WatchEntry(r.id, r.kind, r.keyed_hash, r.value_enc, r.note, r.added_by, r.added_at)
        for r in rows
    ]


def watch_index(connection: Connection) -> dict[str, str]:
    """Keyed hash -> kind of every active watchlist entry."""
    rows = connection.execute(
        select(watchlist.c.keyed_hash, watchlist.c.kind).where(watchlist.c.removed_at.is_(None))
    )
    return {str(hashed): str(kind) for hashed, kind in rows}


def set_watch_image(connection: Connection, watch_id: int, hashes_enc: str) -> None:
    """Keep the sealed perceptual hashes of a watchlisted image (replacing older ones)."""
    connection.execute(delete(watchlist_images).where(watchlist_images.c.watch_id == watch_id))
    connection.execute(insert(watchlist_images).values(watch_id=watch_id, hashes_enc=hashes_enc))


def watch_images(connection: Connection) -> list[tuple[int, str, str | None]]:
    """Active image entries: id, sealed whole-image hash, sealed nine hashes (None for an
    entry added as a bare hex hash)."""
    rows = connection.execute(
        select(watchlist.c.id, watchlist.c.value_enc, watchlist_images.c.hashes_enc)
        .outerjoin(watchlist_images, watchlist_images.c.watch_id == watchlist.c.id)
        .where(watchlist.c.kind == "image", watchlist.c.removed_at.is_(None))
        .order_by(watchlist.c.id)
    )
    return [(int(i), str(value), hashes) for i, value, hashes in rows]


def watch_hits(connection: Connection, hashes: Sequence[str]) -> list[str]:
    """The kinds of the active entries whose keyed hash is among these, sorted and distinct."""
    if not hashes:
        return []
    rows = connection.execute(
        select(watchlist.c.kind)
        .where(watchlist.c.keyed_hash.in_(list(hashes)), watchlist.c.removed_at.is_(None))
        .distinct()
    )
    return sorted(str(kind) for kind in rows.scalars())


def file_tip(connection: Connection, tip: TipIn, actor: str) -> tuple[int, int]:
    """Store a tip on the lead sharing any of its keys, or on a new lead; (tip id, lead id)."""
    now = datetime.now(UTC)
    lead_id = _lead_for(connection, tip.keys, now)
    current = connection.execute(select(leads).where(leads.c.id == lead_id)).one()
    connection.execute(
        update(leads)
        .where(leads.c.id == lead_id)
        .values(
            tips=current.tips + 1,
            updated_at=now,
            status="new" if current.status in REOPENED_BY_A_TIP else current.status,
            juvenile=bool(current.juvenile) or tip.juvenile,
            score=max(float(current.score), tip.score),
        )
    )
    tip_id = connection.execute(
        insert(tips)
        .values(
            lead_id=lead_id,
            platform_id=tip.platform_id,
            ad_id=tip.ad_row_id,
            received_at=now,
            reason=tip.reason,
            account_enc=tip.account_json,
            juvenile=tip.juvenile,
            score=tip.score,
            decision=tip.decision,
        )
        .returning(tips.c.id)
    ).scalar_one()
    detail = {"lead": lead_id, "juvenile": tip.juvenile, "ad": tip.ad_row_id}
    _audit(connection, actor, "tip.file", "tip", str(tip_id), detail)
    return int(tip_id), lead_id


def tip_queue(connection: Connection, limit: int = 100) -> list[Lead]:
    """Open leads by priority: juvenile flags first, then score, then the latest tip."""
    rows = connection.execute(
        select(leads)
        .where(leads.c.status != "closed")
        .order_by(leads.c.juvenile.desc(), leads.c.score.desc(), leads.c.updated_at.desc())
        .limit(limit)
    )
    return [
        Lead(r.id, r.status, bool(r.juvenile), float(r.score), r.tips, r.created_at, r.updated_at)
        for r in rows
    ]


def lead_tips(connection: Connection, lead_id: int) -> list[Row[Any]]:
    """The tips of one lead, oldest first."""
    return list(
        connection.execute(select(tips).where(tips.c.lead_id == lead_id).order_by(tips.c.id))
    )


def _lead_for(connection: Connection, keys: Sequence[str], now: datetime) -> int:
    """The oldest lead holding any key, or a new one; the tip's keys are added to it."""
    found = connection.execute(
        select(func.min(lead_keys.c.lead_id)).where(lead_keys.c.keyed_hash.in_(list(keys)))
    ).scalar()
    if found is None:
        found = connection.execute(
            insert(leads)
            .values(status="new", juvenile=False, score=0.0, tips=0, created_at=now, updated_at=now)
            .returning(leads.c.id)
        ).scalar_one()
    known = set(
        connection.execute(
            select(lead_keys.c.keyed_hash).where(lead_keys.c.keyed_hash.in_(list(keys)))
        ).scalars()
    )
    new = [{"keyed_hash": k, "lead_id": found} for k in sorted(set(keys) - known)]
    if new:
        connection.execute(insert(lead_keys), new)
    return int(found)


def _platform(row: Row[Any]) -> Platform:
    return Platform(
        id=int(row.id),
        name=row.name,
        key_prefix=row.key_prefix,
        hash_salt=row.hash_salt,
        daily_quota=row.daily_quota,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def _audit(
    connection: Connection,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any],
) -> None:
    event = AuditEvent(actor, action, object_type, object_id, detail=detail)
    append_audit(connection, event)
