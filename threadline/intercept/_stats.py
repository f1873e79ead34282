"""Landscape statistics: buyers, messages, deterrence, repeat and continuation rates, and a
capture–recapture estimate of the buyer population (Chapman, with a 95% interval)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from threadline.errors import InputError
from threadline.store import intercept as repo

REPEAT_FLAGS = frozenset({"repeat_contact", "contact_after_deterrence"})
Z95 = 1.959964


@dataclass(frozen=True, slots=True)
class ConversationFact:
    """What statistics need of one conversation."""

    campaign: str
    contact_id: int
    started_at: datetime
    flags: frozenset[str]
    disclosed: bool
    deterred: bool
    inbound_times: tuple[datetime, ...]


@dataclass(frozen=True, slots=True)
class Chapman:
    """Capture–recapture estimate of a population seen in two periods."""

    first: int  # n1: buyers seen in the first period
    second: int  # n2: buyers seen in the second period
    both: int  # m: buyers seen in both
    estimate: float
    low: float
    high: float


def chapman(first: int, second: int, both: int) -> Chapman:
    """N = (n1+1)(n2+1)/(m+1) − 1 with Seber's variance; the interval is clipped below at
    the buyers actually seen (n1 + n2 − m)."""
    if both > min(first, second) or min(first, second, both) < 0:
        raise ValueError("m must be between 0 and min(n1, n2)")
    estimate = (first + 1) * (second + 1) / (both + 1) - 1
    variance = ((first + 1) * (second + 1) * (first - both) * (second - both)) / (
        (both + 1) ** 2 * (both + 2)
    )
    half = Z95 * math.sqrt(variance)
    seen = first + second - both
    return Chapman(first, second, both, estimate, max(seen, estimate - half), estimate + half)


def summarize(conversations: Sequence[ConversationFact]) -> dict[str, Any]:
    """Headline figures over a set of conversations."""
    buyers = {c.contact_id for c in conversations}
    per_buyer = Counter(c.contact_id for c in conversations)
    repeaters = {c.contact_id for c in conversations if c.flags & REPEAT_FLAGS}
    repeaters |= {buyer for buyer, count in per_buyer.items() if count > 1}
    disclosed = [c for c in conversations if c.disclosed]
    continued = [c for c in disclosed if "continued_after_disclosure" in c.flags]
    return {
        "buyers": len(buyers),
        "messages": sum(len(c.inbound_times) for c in conversations),
        "conversations": len(conversations),
        "reached_deterrence": sum(1 for c in conversations if c.deterred),
        "repeat_rate": _rate(len(repeaters), len(buyers)),
        "continued_after_disclosure_rate": _rate(len(continued), len(disclosed)),
    }


def landscape(
    conversations: Sequence[ConversationFact],
    periods: tuple[tuple[date, date], tuple[date, date]] | None = None,
) -> dict[str, Any]:
    """Totals, then by campaign, day and hour (UTC), and Chapman between two periods."""
    figures = summarize(conversations)
    figures["by_campaign"] = {
        name: summarize(group) for name, group in sorted(_group(conversations).items())
    }
    figures["by_day"] = _by_day(conversations)
    figures["by_hour"] = _by_hour(conversations)
    if periods is not None:
        figures["capture_recapture"] = _chapman_dict(_recapture(conversations, *periods))
    return figures


def load_conversations(connection: Connection) -> list[ConversationFact]:
    """Every conversation with its inbound message times, from the store."""
    times: dict[int, list[datetime]] = defaultdict(list)
    for row in repo.stats_inbound(connection):
        times[int(row.conversation_id)].append(_utc(row.at))
    return [
        ConversationFact(
            str(row.campaign),
            int(row.contact_id),
            _utc(row.started_at),
            frozenset(row.flags),
            row.disclosed_at is not None,
            row.deterred_at is not None,
            tuple(times.get(int(row.id), ())),
        )
        for row in repo.stats_conversations(connection)
    ]


def parse_periods(
    first: str | None, second: str | None
) -> tuple[tuple[date, date], tuple[date, date]] | None:
    """Two periods written `YYYY-MM-DD..YYYY-MM-DD` (or one day), both or neither."""
    if first is None and second is None:
        return None
    if first is None or second is None:
        raise InputError("give both periods, first and second, or neither")
    return _period(first), _period(second)


def _period(text: str) -> tuple[date, date]:
    start, _, end = text.partition("..")
    try:
        return date.fromisoformat(start), date.fromisoformat(end or start)
    except ValueError as exc:
        raise InputError(f"period {text!r} is not YYYY-MM-DD..YYYY-MM-DD") from exc


def _recapture(
    conversations: Iterable[ConversationFact], first: tuple[date, date], second: tuple[date, date]
) -> Chapman:
    def seen(period: tuple[date, date]) -> set[int]:
        return {
            c.contact_id
            for c in conversations
            for moment in c.inbound_times
            if period[0] <= moment.date() <= period[1]
        }

    a, b = seen(first), seen(second)
    return chapman(len(a), len(b), len(a & b))


def _chapman_dict(result: Chapman) -> dict[str, Any]:
    return {
        "n1": result.first,
        "n2": result.second,
        "m": result.both,
        "estimate": round(result.estimate, 2),
        "ci95": [round(result.low, 2), round(result.high, 2)],
        "method": "Chapman (1951), Seber variance, normal 95% interval",
    }


def _group(conversations: Iterable[ConversationFact]) -> dict[str, list[ConversationFact]]:
    groups: dict[str, list[ConversationFact]] = defaultdict(list)
    for conversation in conversations:
        groups[conversation.campaign].append(conversation)
    return groups


def _by_day(conversations: Sequence[ConversationFact]) -> dict[str, dict[str, int]]:
    days: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"messages": 0, "conversations": 0, "buyers": set()}
    )
    for c in conversations:
        days[c.started_at.date().isoformat()]["conversations"] += 1
        for moment in c.inbound_times:
            day = days[moment.date().isoformat()]
            day["messages"] += 1
            day["buyers"].add(c.contact_id)
    return {
        day: {
            "messages": v["messages"],
            "conversations": v["conversations"],
            "buyers": len(v["buyers"]),
        }
        for day, v in sorted(days.items())
    }


def _by_hour(conversations: Sequence[ConversationFact]) -> dict[str, int]:
    hours = Counter(m.hour for c in conversations for m in c.inbound_times)
    return {f"{hour:02d}": hours.get(hour, 0) for hour in range(24)}


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
