"""The console's dashboard: volume over time and by city, top networks, flags, bot activity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    func,
    select,
)

from threadline.store.console_ads import AdRow, ad_rows
from threadline.store.tables import (
    ad_risk,
    ads,
    networks,
)
from threadline.store.tables_console import ad_counts
from threadline.store.tables_intercept import (
    intercept_campaigns,
    intercept_contacts,
    intercept_conversations,
    intercept_messages,
)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Headline figures for the console's first page."""

    ads: int
    networks: int
    weekly: tuple[tuple[str, int], ...]
    cities: tuple[tuple[str, int], ...]
    top_networks: tuple[Any, ...]
    juvenile: tuple[AdRow, ...]
    extra: dict[str, Any] = field(default_factory=dict)


def dashboard(connection: Connection, top: int = 10) -> Dashboard:
    """Ads per ISO week and per city, riskiest networks and the newest juvenile flags."""
    days = facet_counts(connection, "day")
    cities = sorted(facet_counts(connection, "city").items(), key=lambda c: (-c[1], c[0]))
    return Dashboard(
        ads=sum(days.values()),
        networks=_count_networks(connection),
        weekly=tuple(weekly_counts(connection)),
        cities=tuple((city, n) for city, n in cities if city)[:top],
        top_networks=tuple(_top_networks(connection, top)),
        juvenile=tuple(_juvenile(connection, top)),
    )


def facet_counts(connection: Connection, facet: str) -> dict[str, int]:
    """Ads per day (`2026-04-21`, UTC) or per city, from the counters the triggers keep.

    The key "" counts the ads without a date or city.
    """
    query = select(ad_counts.c.value, ad_counts.c.ads).where(
        ad_counts.c.facet == facet, ad_counts.c.ads > 0
    )
    return {str(value): int(n) for value, n in connection.execute(query)}


def weekly_counts(connection: Connection, weeks: int = 52) -> list[tuple[str, int]]:
    """Ads per ISO week (`2026-W17`) over the last `weeks` weeks with ads, oldest first."""
    days = {date.fromisoformat(d): n for d, n in facet_counts(connection, "day").items() if d}
    if not days:
        return []
    end = _monday(max(days)) + timedelta(days=7)
    start = max(_monday(min(days)), end - timedelta(days=7 * weeks))
    per_week: dict[date, int] = dict.fromkeys(
        (start + timedelta(days=7 * i) for i in range((end - start).days // 7)), 0
    )
    for day, n in days.items():
        if day >= start:
            per_week[_monday(day)] += n
    return [(_iso_week(monday), n) for monday, n in per_week.items()]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _count_networks(connection: Connection) -> int:
    query = select(func.count()).select_from(networks).where(networks.c.size > 1)
    return int(connection.execute(query).scalar_one())


def _top_networks(connection: Connection, top: int) -> list[Any]:
    query = (
        select(networks.c.id, networks.c.size, networks.c.risk_max, networks.c.juvenile)
        .where(networks.c.size > 1)
        .order_by(networks.c.risk_max.desc(), networks.c.size.desc(), networks.c.id)
        .limit(top)
    )
    return list(connection.execute(query))


def _juvenile(connection: Connection, top: int) -> list[AdRow]:
    query = (
        select(ad_risk.c.ad_id)
        .where(ad_risk.c.juvenile.is_(True))
        .order_by(ad_risk.c.ad_id.desc())
        .limit(top)
    )
    return ad_rows(connection, [int(i) for i in connection.execute(query).scalars()])


def intercept_activity(connection: Connection, since: datetime) -> dict[str, int]:
    """Bot activity since a moment: conversations started, messages in, contacts, promoted."""
    conv, msg, con = intercept_conversations.c, intercept_messages.c, intercept_contacts.c

    def count(table: Any, *where: Any) -> int:
        query = select(func.count()).select_from(table).where(*where)
        return int(connection.execute(query).scalar_one())

    return {
        "conversations": count(intercept_conversations, conv.started_at >= since),
        "messages_in": count(intercept_messages, msg.direction == "in", msg.at >= since),
        "contacts": count(intercept_contacts),
        "promoted": count(intercept_contacts, con.promoted_at.is_not(None)),
    }


def live_conversations(connection: Connection, limit: int = 50) -> list[Any]:
    """Conversations by latest message, with campaign, contact, status and flags."""
    conv, camp = intercept_conversations.c, intercept_campaigns.c
    query = (
        select(
            conv.id,
            conv.contact_id,
            conv.status,
            conv.flags,
            conv.started_at,
            conv.last_message_at,
            conv.message_count,
            camp.name.label("campaign"),
        )
        .join(intercept_campaigns, camp.id == conv.campaign_id)
        .order_by(conv.last_message_at.desc(), conv.id.desc())
        .limit(limit)
    )
    return list(connection.execute(query))


def corpus_stamp(connection: Connection) -> tuple[int, int]:
    """Highest ad and analyzed-ad row ids: they change whenever ads are stored or analyzed."""
    top_ad = connection.execute(select(func.coalesce(func.max(ads.c.id), 0))).scalar_one()
    top_risk = connection.execute(select(func.coalesce(func.max(ad_risk.c.ad_id), 0))).scalar_one()
    return int(top_ad), int(top_risk)
