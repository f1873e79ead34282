"""Intercept pages: live conversations, landscape statistics, contact pages, promotion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from threadline.errors import NotFoundError
from threadline.intercept import (
    InterceptConfig,
    contact_report,
    landscape,
    load_conversations,
    script_digest,
)
from threadline.store import console as repo
from threadline.store.intercept import promote_contact
from threadline.store.intercept_scripts import ScriptVersion, activate_script
from threadline.web.console._common import (
    Db,
    Investigator,
    Supervisor,
    Templates,
    cases_for,
    render,
    settings_of,
    viewed,
)
from threadline.web.console._pages import ACTIVITY_WINDOW, now_utc
from threadline.web.console._scripts import (
    MAX_SCRIPT,
    check_script,
    chosen_text,
    scripts_context,
)

router = APIRouter(prefix="/intercept")


@router.get("", response_class=HTMLResponse)
def overview(request: Request, db: Db, templates: Templates, _user: Investigator) -> HTMLResponse:
    """Live conversations and landscape statistics."""
    with db.transaction() as connection:
        figures = landscape(load_conversations(connection))
        context = {
            "conversations": repo.live_conversations(connection),
            "activity": repo.intercept_activity(connection, now_utc() - ACTIVITY_WINDOW),
            "landscape": figures,
            "by_day": _by_day(figures["by_day"]),
        }
    viewed(request, "intercept_overview", "")
    return render(request, templates, "intercept.html", context)


@router.get("/contacts/{contact_id}", response_class=HTMLResponse)
def contact(
    request: Request, db: Db, templates: Templates, user: Investigator, contact_id: int
) -> HTMLResponse:
    """A contact: transcript, facts, enrichment, flags, linked ads (the report audits the read)."""
    config = InterceptConfig.from_settings(settings_of(request))
    with db.transaction() as connection:
        report = contact_report(connection, config, contact_id, user.name, now_utc())
    context = {"report": report.content, "sha256": report.sha256, "cases": cases_for(db, user)}
    return render(request, templates, "contact.html", context)


@router.post("/contacts/{contact_id}/promote")
def promote(
    db: Db,
    user: Investigator,
    contact_id: int,
    reason: Annotated[str, Form(max_length=4000)],
    labels: Annotated[str, Form(max_length=400)] = "",
) -> RedirectResponse:
    """Promote raw intake to a subject with a written reason (audited by the store)."""
    chosen = [label.strip() for label in labels.split(",") if label.strip()]
    with db.transaction() as connection:
        promote_contact(connection, contact_id, reason, chosen, user.name, now_utc())
    return RedirectResponse(f"/intercept/contacts/{contact_id}?promoted=1", status_code=303)


def _by_day(days: dict[str, dict[str, int]]) -> dict[str, list[object]]:
    """Chart data: inbound messages per day."""
    return {"labels": list(days), "values": [v["messages"] for v in days.values()]}


@router.get("/scripts", response_class=HTMLResponse)
def scripts(request: Request, db: Db, templates: Templates, user: Investigator) -> HTMLResponse:
    """Campaigns with the script version each runs, past activations, a form to check one."""
    return render(request, templates, "scripts.html", scripts_context(db, user))


@router.post("/scripts/check", response_class=HTMLResponse)
def scripts_check(
    request: Request,
    db: Db,
    templates: Templates,
    user: Investigator,
    campaign: Annotated[int, Form()],
    script: Annotated[str, Form(max_length=MAX_SCRIPT)] = "",
    shipped: Annotated[str, Form(max_length=100)] = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Validate an uploaded, pasted or shipped script and diff it against the active one."""
    text = chosen_text(script, shipped, upload)
    context = scripts_context(db, user)
    current = next((c for c in context["campaigns"] if c.id == campaign), None)
    context |= {"check": check_script(text, current), "chosen": campaign, "script": text}
    return render(request, templates, "scripts.html", context)


@router.post("/scripts/activate", response_class=HTMLResponse, response_model=None)
def scripts_activate(
    request: Request,
    db: Db,
    templates: Templates,
    user: Supervisor,
    campaign: Annotated[int, Form()],
    script: Annotated[str, Form(max_length=MAX_SCRIPT)],
    reason: Annotated[str, Form(max_length=4000)],
) -> HTMLResponse | RedirectResponse:
    """Activate a checked version for a campaign (checked again here; audited by the store)."""
    context = scripts_context(db, user)
    current = next((c for c in context["campaigns"] if c.id == campaign), None)
    if current is None:
        raise NotFoundError(f"no campaign {campaign}")
    check = check_script(script, current)
    if not check.valid or check.version is None:
        context |= {"check": check, "chosen": campaign, "script": script}
        return render(request, templates, "scripts.html", context, status_code=422)
    version = ScriptVersion(check.script_id, check.version, script_digest(script), script)
    with db.transaction() as connection:
        activate_script(connection, campaign, version, reason, user.name, now_utc())
    return RedirectResponse(f"/intercept/scripts?activated={campaign}", status_code=303)
