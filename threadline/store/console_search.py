"""Console search: filtered full-text search, CSV export and saved searches with alerts."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
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

from threadline.errors import InputError
from threadline.store.console_ads import AdRow, ad_rows
from threadline.store.search import _WORD, MAX_TERMS
from threadline.store.tables import (
    ad_identifiers,
    ad_risk,
    ads,
    findings,
    identifiers,
    memberships,
)
from threadline.store.tables_console import saved_search_hits, saved_searches

SORTS = ("relevance", "risk", "newest")
LEVELS = ("low", "medium", "high")
PAGE_SIZE = 50
COUNT_CAP = 1_000  # counts stop here ("1,000+"): counting every match of a common word is slow
RANK_WINDOW = 10_000
CITY_BUSY = 5_000
EXPORT_CAP = 10_000


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


def ad_ids_for_identifier(connection: Connection, kind: str, value: str) -> list[int]:
    """Row ids of ads naming one identifier."""
    return [int(i) for i in connection.execute(_ads_with(identifiers.c.value == value, kind))]


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
