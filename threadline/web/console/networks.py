"""The network page: graph, template, movement timeline and map, names, prices, members."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from threadline.web.console._common import (
    Db,
    Reader,
    Templates,
    cases_for,
    render,
    settings_of,
    viewed,
)
from threadline.web.console._pages import network_page

router = APIRouter()


@router.get("/networks/{network_id}", response_class=HTMLResponse)
def network(
    request: Request, db: Db, templates: Templates, user: Reader, network_id: str
) -> HTMLResponse:
    """One network, explained."""
    with db.transaction() as connection:
        context = network_page(connection, network_id)
    viewed(request, "network", network_id)
    context["tile_url"] = settings_of(request).map_tile_url
    context["cases"] = cases_for(db, user)
    return render(request, templates, "network.html", context)
