"""The statistics page: concentration, Lorenz curve, terms and emoji, city flows."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from threadline.web.console._cache import corpus_cache
from threadline.web.console._common import Db, Reader, Templates, render, viewed
from threadline.web.console._pages import stats_page

router = APIRouter()


@router.get("/stats", response_class=HTMLResponse)
def stats(request: Request, db: Db, templates: Templates, _user: Reader) -> HTMLResponse:
    """Corpus statistics."""
    with db.transaction() as connection:
        context = stats_page(connection, corpus_cache(request))
    viewed(request, "stats", "")
    return render(request, templates, "stats.html", context)
