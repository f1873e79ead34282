"""The tip queue: platform reports deduplicated into leads, by priority; a lead with its
reports, identifiers and links; assignment and decisions with a written reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from threadline.screen import lead_page
from threadline.store.screen import list_platforms
from threadline.store.screen_leads import (
    DECISIONS,
    STATUS_FILTERS,
    LeadFilter,
    assign_lead,
    decide_lead,
    lead_queue,
)
from threadline.web.auth import security
from threadline.web.console._common import (
    Db,
    Investigator,
    Templates,
    render,
    settings_of,
    viewed,
)
from threadline.web.console._pages import now_utc

router = APIRouter(prefix="/tips")
_STATUS = "^(" + "|".join(STATUS_FILTERS) + ")$"
_DECISION = "^(" + "|".join(DECISIONS) + ")$"
_JUVENILE = {"": None, "yes": True, "no": False}


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    db: Db,
    templates: Templates,
    _user: Investigator,
    status: Annotated[str, Query(pattern=_STATUS)] = "open",
    platform: Annotated[int | None, Query()] = None,
    juvenile: Annotated[str, Query(pattern="^(|yes|no)$")] = "",
) -> HTMLResponse:
    """Leads matching the filters: juvenile flags first, then score, then the latest report."""
    wanted = LeadFilter(status, platform, _JUVENILE[juvenile])
    with db.transaction() as connection:
        found = lead_queue(connection, wanted)
        platforms = list_platforms(connection)
    shown = {"status": status, "platform": platform, "juvenile": juvenile}
    viewed(request, "tip_queue", status, filters=shown, leads=[lead.id for lead in found])
    context = {"leads": found, "platforms": platforms, "filters": shown}
    context["statuses"] = list(STATUS_FILTERS)
    return render(request, templates, "tips.html", context)


@router.get("/{lead_id}", response_class=HTMLResponse)
def lead(
    request: Request, db: Db, templates: Templates, user: Investigator, lead_id: int
) -> HTMLResponse:
    """One lead: its reports with the platforms' account data, identifiers, linked ads."""
    region = settings_of(request).default_region
    with db.transaction() as connection:
        page = lead_page(connection, security(request).cipher, region, lead_id)
    viewed(request, "lead", str(lead_id), tips=[r.tip.id for r in page.reports])
    context = {"page": page, "decisions": DECISIONS, "user": user}
    return render(request, templates, "lead.html", context)


@router.post("/{lead_id}/assign")
def assign(db: Db, user: Investigator, lead_id: int) -> RedirectResponse:
    """Take the lead: the user becomes the investigator working it (audited by the store)."""
    with db.transaction() as connection:
        assign_lead(connection, lead_id, user.name, now_utc())
    return RedirectResponse(f"/tips/{lead_id}?assigned=1", status_code=303)


@router.post("/{lead_id}/decide")
def decide(
    db: Db,
    user: Investigator,
    lead_id: int,
    decision: Annotated[str, Form(pattern=_DECISION)],
    reason: Annotated[str, Form(min_length=1, max_length=4000)],
) -> RedirectResponse:
    """Mark the lead reviewed, escalated or dismissed, with a reason (audited by the store)."""
    with db.transaction() as connection:
        decide_lead(connection, lead_id, decision, reason, user.name, now_utc())
    return RedirectResponse(f"/tips/{lead_id}?decided={decision}", status_code=303)
