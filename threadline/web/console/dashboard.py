"""The dashboard: the console's first page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from threadline.web.console._cache import corpus_cache
from threadline.web.console._common import Db, Reader, Templates, render, viewed
from threadline.web.console._pages import dashboard_page, now_utc

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, db: Db, templates: Templates, user: Reader) -> HTMLResponse:
    """Volume over time and by city, top networks, juvenile flags, faces, bot, alerts."""
    with db.transaction() as connection:
        context = dashboard_page(connection, user.name, now_utc(), corpus_cache(request))
    viewed(request, "dashboard", "")
    return render(request, templates, "dashboard.html", context)
