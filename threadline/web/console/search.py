"""Search: full text and filters, pages, CSV export, saved searches with alerts."""

from __future__ import annotations

import csv
import io
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from threadline.errors import InputError
from threadline.store import console as repo
from threadline.web.console._common import (
    Db,
    Investigator,
    Reader,
    Templates,
    render,
    settings_of,
    viewed,
)
from threadline.web.console._query import filter_from_query, query_params

router = APIRouter()
CSV_COLUMNS = (
    "id",
    "posted_at",
    "site",
    "city",
    "region",
    "title",
    "risk_score",
    "risk_level",
    "juvenile",
    "network",
)


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    db: Db,
    templates: Templates,
    user: Reader,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The search form and, when anything is asked, one page of results."""
    context: dict[str, object] = {"params": dict(request.query_params), "error": None}
    try:
        query = filter_from_query(request.query_params, settings_of(request).default_region)
    except InputError as exc:
        context["error"] = exc.detail
        return render(request, templates, "search.html", context)
    if not query.empty:
        with db.transaction() as connection:
            context["results"] = repo.search_ads(connection, query, page)
            context["saved"] = repo.saved_search_list(connection, user.name)
        viewed(request, "search", "", query=query.params(), page=page)
    qs = query_params(query)
    context |= {"query": query, "qs": qs, "prev_qs": _page_qs(qs, page - 1)}
    context["next_qs"] = _page_qs(qs, page + 1)
    return render(request, templates, "search.html", context)


@router.get("/search.csv")
def search_csv(request: Request, db: Db, _user: Reader) -> Response:
    """The matching ads (up to 10,000) as CSV, in result order."""
    query = filter_from_query(request.query_params, settings_of(request).default_region)
    with db.transaction() as connection:
        rows = repo.export_ads(connection, query)
    viewed(request, "search_export", "", query=query.params(), rows=len(rows))
    headers = {"content-disposition": 'attachment; filename="threadline-search.csv"'}
    return Response(to_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)


def _page_qs(qs: dict[str, str], page: int) -> str:
    return urlencode(qs | {"page": str(page)})


def to_csv(rows: list[repo.AdRow]) -> str:
    """Result rows as CSV text with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        posted = r.posted_at.isoformat() if r.posted_at else ""
        score = "" if r.score is None else f"{r.score:g}"
        flag = "yes" if r.juvenile else ""
        writer.writerow(
            (r.id, posted, r.site, r.city, r.region, r.title, score, r.level, flag, r.network)
        )
    return out.getvalue()


@router.post("/search/saved")
def save(
    request: Request,
    db: Db,
    user: Investigator,
    name: Annotated[str, Form()],
    qs: Annotated[str, Form()],
) -> RedirectResponse:
    """Keep the current search; it flags new matching ads after each ingest."""
    query = filter_from_query(dict(parse_qsl(qs)), settings_of(request).default_region)
    with db.transaction() as connection:
        search_id = repo.save_search(connection, user.name, name, query)
    viewed(request, "saved_search", str(search_id), action="create")
    return RedirectResponse(f"/saved#s{search_id}", status_code=303)


@router.get("/saved", response_class=HTMLResponse)
def saved(request: Request, db: Db, templates: Templates, user: Reader) -> HTMLResponse:
    """The user's saved searches and the ads they flagged."""
    with db.transaction() as connection:
        searches = repo.saved_search_list(connection, user.name)
        alerts = repo.saved_search_alerts(connection, user.name, 200)
    links = {s.id: urlencode(query_params(repo.filter_from_params(s.params))) for s in searches}
    context = {"searches": searches, "alerts": alerts, "links": links}
    return render(request, templates, "saved.html", context)


@router.post("/saved/{search_id}/seen")
def seen(request: Request, db: Db, user: Reader, search_id: int) -> RedirectResponse:
    """Mark a saved search's alerts as seen."""
    with db.transaction() as connection:
        repo.mark_seen(connection, search_id, user.name)
    return RedirectResponse("/saved", status_code=303)
