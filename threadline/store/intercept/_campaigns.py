"""Campaigns: decoy numbers bound to reviewed scripts, and the decoy ads they posted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, or_, select

from threadline.errors import InputError, NotFoundError
from threadline.store.tables_intercept import intercept_ads, intercept_campaigns


@dataclass(frozen=True, slots=True)
class Campaign:
    """A decoy number bound to a reviewed script."""

    id: int
    name: str
    number: str
    script_id: str
    script_version: int
    script_sha256: str
    script_yaml: str
    created_at: datetime


# Statements built once: the hot path only binds parameters (SQLAlchemy's cache then skips
# rebuilding and re-keying a statement per call).
_camp = intercept_campaigns.c
_ads = intercept_ads.c
_CAMPAIGN_BY_NUMBER = select(intercept_campaigns).where(_camp.number == bindparam("number"))
_AD_BEFORE = (
    select(_ads.id)
    .where(_ads.campaign_id == bindparam("campaign_id"), _ads.posted_at <= bindparam("at"))
    .order_by(_ads.posted_at.desc(), _ads.id.desc())
    .limit(1)
)
_ADS_OF_CAMPAIGN = (
    select(_ads.posted_at, _ads.id)
    .where(_ads.campaign_id == bindparam("campaign_id"))
    .order_by(_ads.posted_at, _ads.id)
)
_FIRST_AD = (
    select(_ads.id)
    .where(_ads.campaign_id == bindparam("campaign_id"))
    .order_by(_ads.posted_at, _ads.id)
    .limit(1)
)


def add_campaign(connection: Connection, values: dict[str, Any]) -> int:
    """Store a campaign; InputError when its name or number is taken."""
    c = intercept_campaigns.c
    taken = select(c.id).where(or_(c.name == values["name"], c.number == values["number"]))
    if connection.execute(taken).first() is not None:
        raise InputError(f"a campaign named {values['name']!r} or on that number exists")
    statement = insert(intercept_campaigns).values(**values).returning(c.id)
    return int(connection.execute(statement).scalar_one())


def list_campaigns(connection: Connection) -> list[Campaign]:
    """Every campaign, oldest first."""
    rows = connection.execute(select(intercept_campaigns).order_by(intercept_campaigns.c.id))
    return [Campaign(**row._mapping) for row in rows]


def campaign_by_number(connection: Connection, number: str) -> Campaign | None:
    """The campaign on a decoy number, if any."""
    row = connection.execute(_CAMPAIGN_BY_NUMBER, {"number": number}).first()
    return Campaign(**row._mapping) if row else None


def campaign_by_name(connection: Connection, name: str) -> Campaign:
    """The campaign with this name; NotFoundError otherwise."""
    row = connection.execute(
        select(intercept_campaigns).where(intercept_campaigns.c.name == name)
    ).first()
    if row is None:
        raise NotFoundError(f"no campaign named {name!r}")
    return Campaign(**row._mapping)


def add_decoy_ad(connection: Connection, values: dict[str, Any]) -> int:
    """Record a decoy ad the agency posted for a campaign."""
    statement = insert(intercept_ads).values(**values).returning(intercept_ads.c.id)
    return int(connection.execute(statement).scalar_one())


def attributed_ad(connection: Connection, campaign_id: int, at: datetime) -> int | None:
    """The campaign's ad posted most recently before `at` (else its first ad)."""
    found = connection.execute(_AD_BEFORE, {"campaign_id": campaign_id, "at": at}).scalar()
    if found is None:
        found = connection.execute(_FIRST_AD, {"campaign_id": campaign_id}).scalar()
    return int(found) if found is not None else None


def decoy_ad_times(connection: Connection, campaign_id: int) -> list[tuple[datetime, int]]:
    """(posted at, id) of a campaign's decoy ads, oldest first: `attribute` picks from it."""
    rows = connection.execute(_ADS_OF_CAMPAIGN, {"campaign_id": campaign_id})
    return [(posted_at, int(ad_id)) for posted_at, ad_id in rows]


def attribute(ad_times: Sequence[tuple[datetime, int]], at: datetime) -> int | None:
    """`attributed_ad` over a list from `decoy_ad_times`, without a query per conversation."""
    moment = _naive_utc(at)
    before = [ad for ad in ad_times if _naive_utc(ad[0]) <= moment]
    if before:
        return before[-1][1]
    return ad_times[0][1] if ad_times else None


def _naive_utc(moment: datetime) -> datetime:
    # SQLite hands stored times back without their zone (they were stored in UTC).
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
