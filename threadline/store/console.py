"""Queries of the analyst console: filtered search, ad and network pages, saved searches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    exists,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)

from threadline.errors import InputError, NotFoundError
from threadline.model import AdEvidence
from threadline.store.search import _WORD, MAX_TERMS
from threadline.store.tables import (
    ad_identifiers,
    ad_images,
    ad_risk,
    ads,
    findings,
    identifiers,
    memberships,
    networks,
)
from threadline.store.tables_console import saved_search_hits, saved_searches
from threadline.store.tables_intercept import (
    intercept_campaigns,
    intercept_contacts,
    intercept_conversations,
    intercept_messages,
)

SORTS = ("relevance", "risk", "newest")
LEVELS = ("low", "medium", "high")
PAGE_SIZE = 50
COUNT_CAP = 1_000  # counts stop here ("1,000+"): counting every match of a common word is slow
RANK_WINDOW = 10_000
CITY_BUSY = 5_000
EXPORT_CAP = 10_000
MAX_NETWORK_ADS = 500
SNIPPET = 240


@dataclass(frozen=True, slots=True)
class AdFilter:
    """What an analyst searches for; empty fields filter nothing. `phone` is E.164."""

    text: str = ""
    phone: str = ""
    email: str = ""
    handle: str = ""
    city: str = ""
    date_from: date | None = None
    date_to: date | None = None
    indicator: str = ""
    risk: str = ""
    network: str = ""
    sort: str = "relevance"

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise InputError(f"sort must be one of {', '.join(SORTS)}")
        if self.risk and self.risk not in LEVELS:
            raise InputError(f"risk must be one of {', '.join(LEVELS)}")

    def params(self) -> dict[str, str]:
        """The non-empty fields as query-string values (dates as ISO)."""
        found = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in found.items() if v}

    @property
    def empty(self) -> bool:
        """True when nothing filters the corpus."""
        return not any(v for k, v in self.params().items() if k != "sort")


@dataclass(frozen=True, slots=True)
class AdRow:
    """One ad as result lists show it."""

    id: int
    title: str
    snippet: str
    site: str | None
    city: str | None
    region: str | None
    posted_at: datetime | None
    score: float | None
    level: str | None
    juvenile: bool
    network: str | None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results, the count (capped) and whether more follow."""

    rows: tuple[AdRow, ...]
    total: int
    capped: bool
    page: int
    page_size: int
    windowed: bool = False  # relevance ranked over the newest RANK_WINDOW matches only

    @property
    def has_next(self) -> bool:
        """True when a later page exists."""
        return self.capped or self.page * self.page_size < self.total


@dataclass(frozen=True, slots=True)
class FindingRow:
    """A finding as the ad page explains it."""

    kind: str
    value: str
    start: int
    end: int
    text: str
    source: str
    attrs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AdDetail:
    """Everything the ad page shows."""

    row: Any
    text: str
    findings: tuple[FindingRow, ...]
    identifiers: tuple[tuple[str, str, str], ...]  # (kind, value, text written)
    images: tuple[Any, ...]
    risk: Any
    network: str | None
    via: tuple[str, ...]
    network_size: int


@dataclass(frozen=True, slots=True)
class NetworkData:
    """A network row, its members' rows and vias, prices and evidence for linking."""

    row: Any
    members: tuple[AdRow, ...]
    via: dict[int, tuple[str, ...]]
    prices: tuple[tuple[str, int], ...]
    evidence: tuple[AdEvidence, ...]
    truncated: bool


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


def search_ads(
    connection: Connection, query: AdFilter, page: int = 1, page_size: int = PAGE_SIZE
) -> SearchPage:
    """One page of ads matching every filter, ordered as asked, with a capped count.

    Ranking by relevance computes a score per match; when the words match more than
    RANK_WINDOW ads, only the newest RANK_WINDOW matches are ranked (the page says so).
    """
    offset = (max(page, 1) - 1) * page_size
    base = _filtered(connection, query).limit(page_size).offset(offset)
    ids = [int(i) for i in connection.execute(base).scalars()]
    unordered = _filtered(connection, query, count=True).order_by(None)
    counted = select(func.count()).select_from(unordered.limit(COUNT_CAP + 1).subquery())
    total = int(connection.execute(counted).scalar_one())
    rows = tuple(ad_rows(connection, ids))
    capped = total > COUNT_CAP
    ranked = capped and query.sort == "relevance" and bool(query.text.strip())
    matches = _filtered(connection, query, count=True).order_by(None)
    windowed = ranked and _more_than(connection, matches)
    return SearchPage(rows, min(total, COUNT_CAP), capped, max(page, 1), page_size, windowed)


def export_ads(connection: Connection, query: AdFilter, cap: int = EXPORT_CAP) -> list[AdRow]:
    """Up to `cap` matching ads in result order, for CSV."""
    ids = [int(i) for i in connection.execute(_filtered(connection, query).limit(cap)).scalars()]
    found: list[AdRow] = []
    for start in range(0, len(ids), 500):
        found += ad_rows(connection, ids[start : start + 500])
    return found


def matching_since(connection: Connection, query: AdFilter, after: int, cap: int) -> list[int]:
    """Row ids above `after` that match, lowest first (saved-search alerts)."""
    base = _filtered(connection, replace(query, sort="newest"), after=after)
    ordered = base.order_by(None).order_by(ads.c.id).limit(cap)
    return [int(i) for i in connection.execute(ordered).scalars()]


def _filtered(
    connection: Connection, query: AdFilter, after: int = 0, count: bool = False
) -> Select[Any]:
    where = _conditions(query)
    if query.city:
        where.append(_city(connection, query, count))
    if after:
        where.append(ads.c.id > after)
    statement = select(ads.c.id).select_from(ads)
    if query.risk or query.sort == "risk":
        statement = statement.join(ad_risk, ad_risk.c.ad_id == ads.c.id)
    rank: Any = None
    if query.text.strip():
        mode = "stream" if count else "rank" if query.sort == "relevance" else "filter"
        statement, rank = _with_text(connection, statement, query.text, mode)
    return statement.where(*where).order_by(*_order(query, rank))


def _conditions(query: AdFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    for kind, value in (("phone", query.phone), ("email", query.email.lower())):
        if value:
            where.append(ads.c.id.in_(_ads_with(identifiers.c.value == value, kind)))
    if query.handle:
        handle = query.handle.lower().lstrip("@")
        where.append(ads.c.id.in_(_ads_with(identifiers.c.value.like(f"%:{handle}"), "handle")))
    where += _dates(query)
    if query.indicator:
        kind = "indicator:" + query.indicator.split(".")[0]
        chosen = and_(findings.c.kind == kind, findings.c.value == query.indicator)
        # Indicators are common: probe each candidate ad rather than list every flagged one.
        where.append(exists().where(findings.c.ad_id == ads.c.id, chosen))
    if query.risk:
        where.append(ad_risk.c.level == query.risk)
    if query.network:
        member = select(memberships.c.ad_id).where(memberships.c.network_id == query.network)
        where.append(ads.c.id.in_(member))
    return where


def _city(connection: Connection, query: AdFilter, count: bool) -> ColumnElement[bool]:
    """The city condition; for a busy city on SQLite, written so the city index is not used.

    SQLite would list every ad of the city and sort them all; walking the date or risk index
    in page order and checking the city stops after one page instead.
    """
    plain = ads.c.city == query.city
    narrow = query.phone or query.email or query.handle or query.network or query.text.strip()
    if count or narrow or connection.dialect.name != "sqlite":
        return plain
    busy = select(ads.c.id).where(plain)
    if not _more_than(connection, busy, CITY_BUSY):
        return plain
    return ads.c.city.concat("") == query.city


def _dates(query: AdFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.date_from:
        where.append(ads.c.posted_at >= datetime.combine(query.date_from, time(), UTC))
    if query.date_to:
        end = datetime.combine(query.date_to + timedelta(days=1), time(), UTC)
        where.append(ads.c.posted_at < end)
    return where


def _ads_with(condition: ColumnElement[bool], kind: str) -> Select[Any]:
    return (
        select(ad_identifiers.c.ad_id)
        .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
        .where(identifiers.c.kind == kind, condition)
    )


def _with_text(
    connection: Connection, statement: Select[Any], words: str, mode: str
) -> tuple[Any, Any]:
    terms = _WORD.findall(words.lower())[:MAX_TERMS]
    if not terms:
        return statement, None
    if connection.dialect.name == "postgresql":
        return _postgresql_text(connection, statement, " ".join(terms), mode == "rank")
    match = " ".join('"' + term.replace('"', "") + '"' for term in terms)
    matching = text("ads_fts MATCH :match").bindparams(match=match)
    rowid: Any = literal_column("ads_fts.rowid")
    found = select(rowid).select_from(text("ads_fts")).where(matching)
    if mode == "stream":
        # Counting: walk the matches and stop at the cap instead of listing them all first.
        matched = select(rowid.label("id")).select_from(text("ads_fts")).where(matching)
        listed = matched.subquery("fts")
        return statement.join(listed, listed.c.id == ads.c.id), None
    if mode == "filter":
        return statement.where(ads.c.id.in_(found)), None
    fts = select(rowid.label("id"), literal_column("bm25(ads_fts)").label("rank"))
    fts = fts.select_from(text("ads_fts")).where(matching)
    if _more_than(connection, found):
        fts = fts.order_by(rowid.desc()).limit(RANK_WINDOW)
    ranked_ids = fts.subquery("fts")
    return statement.join(ranked_ids, ranked_ids.c.id == ads.c.id), ranked_ids.c.rank.asc()


def _postgresql_text(
    connection: Connection, statement: Select[Any], words: str, ranked: bool
) -> tuple[Any, Any]:
    tsq = func.plainto_tsquery(literal_column("'simple'"), words)
    search: Any = literal_column("ads.search")
    matching = select(ads.c.id).where(search.op("@@")(tsq))
    if not ranked and not _more_than(connection, matching):
        # Rarer words: list the matches through the GIN index first (OFFSET 0 keeps the
        # planner from walking the sort order's index and testing every row's tsvector).
        inner = ads.alias("matched")
        found = select(inner.c.id).where(literal_column("matched.search").op("@@")(tsq))
        return statement.where(ads.c.id.in_(found.offset(0))), None
    statement = statement.where(search.op("@@")(tsq))
    if not ranked:
        return statement, None
    if _more_than(connection, matching):
        window = select(ads.c.id).where(search.op("@@")(tsq)).order_by(ads.c.id.desc())
        statement = statement.where(ads.c.id.in_(window.limit(RANK_WINDOW)))
    return statement, func.ts_rank(search, tsq).desc()


def _more_than(connection: Connection, matches: Select[Any], limit: int = RANK_WINDOW) -> bool:
    counted = select(func.count()).select_from(matches.limit(limit + 1).subquery())
    return int(connection.execute(counted).scalar_one()) > limit


def _order(query: AdFilter, rank: Any) -> list[Any]:
    if query.sort == "risk":
        return [ad_risk.c.score.desc(), ads.c.id.desc()]
    if query.sort == "relevance" and rank is not None:
        return [rank, ads.c.id.desc()]
    return [ads.c.posted_at.desc(), ads.c.id.desc()]


def ad_rows(connection: Connection, ids: Sequence[int]) -> list[AdRow]:
    """Result-list rows of these ads, in the order given."""
    if not ids:
        return []
    statement = (
        select(
            ads.c.id,
            ads.c.title,
            func.substr(ads.c.body, 1, SNIPPET).label("snippet"),
            ads.c.site,
            ads.c.city,
            ads.c.region,
            ads.c.posted_at,
            ad_risk.c.score,
            ad_risk.c.level,
            ad_risk.c.juvenile,
            memberships.c.network_id,
        )
        .outerjoin(ad_risk, ad_risk.c.ad_id == ads.c.id)
        .outerjoin(memberships, memberships.c.ad_id == ads.c.id)
        .where(ads.c.id.in_(list(ids)))
    )
    by_id = {int(r.id): _ad_row(r) for r in connection.execute(statement)}
    return [by_id[i] for i in ids if i in by_id]


def _ad_row(r: Any) -> AdRow:
    return AdRow(
        id=int(r.id),
        title=str(r.title),
        snippet=str(r.snippet or ""),
        site=r.site,
        city=r.city,
        region=r.region,
        posted_at=_aware(r.posted_at),
        score=None if r.score is None else float(r.score),
        level=r.level,
        juvenile=bool(r.juvenile),
        network=r.network_id,
    )


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def ad_ids_for_identifier(connection: Connection, kind: str, value: str) -> list[int]:
    """Row ids of ads naming one identifier."""
    return [int(i) for i in connection.execute(_ads_with(identifiers.c.value == value, kind))]


def ad_detail(connection: Connection, ad_id: int) -> AdDetail:
    """An ad with its findings, identifiers, images, risk and network."""
    row = connection.execute(select(ads).where(ads.c.id == ad_id)).first()
    if row is None:
        raise NotFoundError(f"no ad {ad_id}")
    member = connection.execute(select(memberships).where(memberships.c.ad_id == ad_id)).first()
    network = member.network_id if member else None
    return AdDetail(
        row=row,
        text=f"{row.title}\n{row.body}" if row.title and row.body else row.title or row.body,
        findings=tuple(_findings(connection, ad_id)),
        identifiers=tuple(_identifiers(connection, ad_id)),
        images=tuple(
            connection.execute(
                select(ad_images).where(ad_images.c.ad_id == ad_id).order_by(ad_images.c.position)
            )
        ),
        risk=connection.execute(select(ad_risk).where(ad_risk.c.ad_id == ad_id)).first(),
        network=network,
        via=tuple(member.via) if member else (),
        network_size=_network_size(connection, network),
    )


def _findings(connection: Connection, ad_id: int) -> Iterable[FindingRow]:
    query = (
        select(findings)
        .where(findings.c.ad_id == ad_id)
        .order_by(findings.c.start, findings.c.end, findings.c.id)
    )
    for f in connection.execute(query):
        yield FindingRow(f.kind, f.value, f.start, f.end, f.text, f.source, dict(f.attrs or {}))


def _identifiers(connection: Connection, ad_id: int) -> Iterable[tuple[str, str, str]]:
    query = (
        select(identifiers.c.kind, identifiers.c.value, ad_identifiers.c.text)
        .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
        .where(ad_identifiers.c.ad_id == ad_id)
        .order_by(ad_identifiers.c.start)
    )
    for kind, value, written in connection.execute(query):
        yield str(kind), str(value), str(written)


def _network_size(connection: Connection, network: str | None) -> int:
    if network is None:
        return 0
    size = connection.execute(select(networks.c.size).where(networks.c.id == network)).scalar()
    return int(size or 1)


def network_data(
    connection: Connection, network_id: str, cap: int = MAX_NETWORK_ADS
) -> NetworkData:
    """A network's row, up to `cap` member ads with their vias, prices and linking evidence."""
    row = connection.execute(select(networks).where(networks.c.id == network_id)).first()
    if row is None:
        raise NotFoundError(f"no network {network_id}")
    query = select(memberships.c.ad_id, memberships.c.via).where(
        memberships.c.network_id == network_id
    )
    via = {int(a): tuple(v) for a, v in connection.execute(query.order_by(memberships.c.ad_id))}
    ids = sorted(via)[:cap]
    members = ad_rows(connection, ids)
    return NetworkData(
        row=row,
        members=tuple(sorted(members, key=lambda m: (m.posted_at or _EPOCH, m.id))),
        via={i: via[i] for i in ids},
        prices=tuple(_prices(connection, ids)),
        evidence=tuple(_evidence(connection, ids)),
        truncated=len(via) > cap,
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _prices(connection: Connection, ids: list[int]) -> list[tuple[str, int]]:
    query = (
        select(findings.c.value, func.count())
        .where(findings.c.ad_id.in_(ids), findings.c.kind == "price")
        .group_by(findings.c.value)
        .order_by(func.count().desc(), findings.c.value)
    )
    return [(str(v), int(n)) for v, n in connection.execute(query)]


def _evidence(connection: Connection, ids: list[int]) -> list[AdEvidence]:
    query = (
        select(ads.c.id, ads.c.title, ads.c.body, ads.c.city, ads.c.region, ads.c.posted_at)
        .where(ads.c.id.in_(ids))
        .order_by(ads.c.id)
    )
    return [
        AdEvidence(
            ad_id=str(r.id),
            text=f"{r.title}\n{r.body}" if r.title and r.body else r.title or r.body,
            city=r.city,
            region=r.region,
            posted_at=_aware(r.posted_at),
        )
        for r in connection.execute(query)
    ]


def dashboard(connection: Connection, top: int = 10) -> Dashboard:
    """Ads per ISO week and per city, riskiest networks and the newest juvenile flags."""
    cities = connection.execute(
        select(ads.c.city, func.count().label("n"))
        .where(ads.c.city.is_not(None))
        .group_by(ads.c.city)
        .order_by(literal_column("n").desc(), ads.c.city)
        .limit(top)
    )
    return Dashboard(
        ads=int(connection.execute(select(func.count()).select_from(ads)).scalar_one()),
        networks=_count_networks(connection),
        weekly=tuple(weekly_counts(connection)),
        cities=tuple((str(c), int(n)) for c, n in cities),
        top_networks=tuple(_top_networks(connection, top)),
        juvenile=tuple(_juvenile(connection, top)),
    )


def weekly_counts(connection: Connection, weeks: int = 52) -> list[tuple[str, int]]:
    """Ads per ISO week (`2026-W17`) over the last `weeks` weeks with ads, oldest first.

    One indexed range count per week: grouping a million timestamps by a computed week
    would sort them all.
    """
    first, last = connection.execute(
        select(func.min(ads.c.posted_at), func.max(ads.c.posted_at))
    ).one()
    if first is None or last is None:
        return []
    end = _monday(_aware(last) or _EPOCH) + timedelta(days=7)
    start = max(_monday(_aware(first) or _EPOCH), end - timedelta(days=7 * weeks))
    found = []
    while start < end:
        stop = start + timedelta(days=7)
        within = (ads.c.posted_at >= start, ads.c.posted_at < stop)
        count = connection.execute(select(func.count()).select_from(ads).where(*within))
        year, week, _ = start.isocalendar()
        found.append((f"{year}-W{week:02d}", int(count.scalar_one())))
        start = stop
    return found


def _monday(moment: datetime) -> datetime:
    day = moment.astimezone(UTC).date()
    return datetime.combine(day - timedelta(days=day.weekday()), time(), UTC)


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


def save_search(connection: Connection, owner: str, name: str, query: AdFilter) -> int:
    """Keep a search under a name; it flags ads stored after now."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InputError("a saved search needs a name of 1 to 200 characters")
    if query.empty:
        raise InputError("a saved search needs at least one filter or search word")
    watermark = connection.execute(select(func.coalesce(func.max(ads.c.id), 0))).scalar_one()
    values = {
        "owner": owner,
        "name": name,
        "params": query.params(),
        "created_at": datetime.now(UTC),
        "watermark": int(watermark),
    }
    statement = insert(saved_searches).values(values).returning(saved_searches.c.id)
    return int(connection.execute(statement).scalar_one())


def saved_search_list(connection: Connection, owner: str) -> list[Any]:
    """A user's saved searches with their unseen alert counts, newest first."""
    unseen = (
        select(func.count())
        .where(saved_search_hits.c.search_id == saved_searches.c.id)
        .where(saved_search_hits.c.seen.is_(False))
        .scalar_subquery()
    )
    query = (
        select(saved_searches, unseen.label("unseen"))
        .where(saved_searches.c.owner == owner)
        .order_by(saved_searches.c.id.desc())
    )
    return list(connection.execute(query))


def saved_search_alerts(connection: Connection, owner: str, limit: int = 20) -> list[Any]:
    """Unseen ads flagged by a user's saved searches, newest first."""
    query = (
        select(saved_searches.c.id, saved_searches.c.name, saved_search_hits.c.ad_id)
        .join(saved_search_hits, saved_search_hits.c.search_id == saved_searches.c.id)
        .where(saved_searches.c.owner == owner, saved_search_hits.c.seen.is_(False))
        .order_by(saved_search_hits.c.found_at.desc(), saved_search_hits.c.ad_id.desc())
        .limit(limit)
    )
    return list(connection.execute(query))


def mark_seen(connection: Connection, search_id: int, owner: str) -> None:
    """Mark a saved search's alerts seen (only the owner's)."""
    saved = saved_searches.c
    mine = select(saved.id).where(saved.id == search_id, saved.owner == owner)
    connection.execute(
        update(saved_search_hits).where(saved_search_hits.c.search_id.in_(mine)).values(seen=True)
    )


def run_saved_searches(connection: Connection, cap: int = 1000) -> dict[int, int]:
    """Flag ads stored since each saved search last ran; returns new hits per search id.

    Call it after each ingest (and analysis): filters on risk, indicators, identifiers and
    networks only see ads that have been analyzed.
    """
    now = datetime.now(UTC)
    top = int(connection.execute(select(func.coalesce(func.max(ads.c.id), 0))).scalar_one())
    found: dict[int, int] = {}
    for saved in list(connection.execute(select(saved_searches))):
        ids = matching_since(connection, filter_from_params(saved.params), saved.watermark, cap)
        if ids:
            rows = [
                {"search_id": saved.id, "ad_id": i, "found_at": now, "seen": False} for i in ids
            ]
            connection.execute(insert(saved_search_hits), rows)
        connection.execute(
            update(saved_searches)
            .where(saved_searches.c.id == saved.id)
            .values(last_run_at=now, watermark=top)
        )
        found[int(saved.id)] = len(ids)
    return found


def filter_from_params(params: dict[str, Any]) -> AdFilter:
    """An AdFilter from stored query-string values."""
    known = {f.name for f in fields(AdFilter)}
    values: dict[str, Any] = {k: str(v) for k, v in params.items() if k in known and v}
    for key in ("date_from", "date_to"):
        if key in values:
            values[key] = date.fromisoformat(values[key])
    return AdFilter(**values)


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


def phone_ad_counts(connection: Connection) -> tuple[int, list[int]]:
    """The number of ads, and for each phone the number of ads naming it."""
    total = int(connection.execute(select(func.count()).select_from(ads)).scalar_one())
    query = (
        select(func.count(func.distinct(ad_identifiers.c.ad_id)))
        .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
        .where(identifiers.c.kind == "phone")
        .group_by(ad_identifiers.c.identifier_id)
    )
    return total, [int(n) for n in connection.execute(query).scalars()]


def ads_covered_by_top_phones(connection: Connection, top: int) -> int:
    """Distinct ads naming one of the `top` phones named by the most ads."""
    ranked = (
        select(ad_identifiers.c.identifier_id)
        .join(identifiers, identifiers.c.id == ad_identifiers.c.identifier_id)
        .where(identifiers.c.kind == "phone")
        .group_by(ad_identifiers.c.identifier_id)
        .order_by(
            func.count(func.distinct(ad_identifiers.c.ad_id)).desc(), ad_identifiers.c.identifier_id
        )
        .limit(top)
        .subquery()
    )
    query = select(func.count(func.distinct(ad_identifiers.c.ad_id))).where(
        ad_identifiers.c.identifier_id.in_(select(ranked.c.identifier_id))
    )
    return int(connection.execute(query).scalar_one())


def recent_evidence(connection: Connection, limit: int) -> list[AdEvidence]:
    """Texts of the most recently stored ads (the language sample)."""
    ids = connection.execute(select(ads.c.id).order_by(ads.c.id.desc()).limit(limit)).scalars()
    return _evidence(connection, [int(i) for i in ids])


def network_sightings(connection: Connection) -> list[tuple[str, datetime, str]]:
    """(network, posted_at, city) of every dated, placed ad in a network of two or more."""
    query = (
        select(memberships.c.network_id, ads.c.posted_at, ads.c.city)
        .join(ads, ads.c.id == memberships.c.ad_id)
        .join(networks, networks.c.id == memberships.c.network_id)
        .where(networks.c.size > 1, ads.c.posted_at.is_not(None), ads.c.city.is_not(None))
    )
    return [(str(n), _aware(p) or _EPOCH, str(c)) for n, p, c in connection.execute(query)]


def corpus_stamp(connection: Connection) -> tuple[int, int]:
    """Highest ad and analyzed-ad row ids: they change whenever ads are stored or analyzed."""
    top_ad = connection.execute(select(func.coalesce(func.max(ads.c.id), 0))).scalar_one()
    top_risk = connection.execute(select(func.coalesce(func.max(ad_risk.c.ad_id), 0))).scalar_one()
    return int(top_ad), int(top_risk)
