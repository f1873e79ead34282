"""Cases: collect ads, networks, contacts and notes; share with named users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from threadline.store.cases import add_item, create_case, get_case, share_case, visible_cases
from threadline.web.console._common import Db, Investigator, Templates, render

router = APIRouter(prefix="/cases")


@router.get("", response_class=HTMLResponse)
def case_list(request: Request, db: Db, templates: Templates, user: Investigator) -> HTMLResponse:
    """The cases the user owns or that are shared with them (audited by the store)."""
    with db.transaction() as connection:
        found = visible_cases(connection, user.name)
    return render(request, templates, "cases.html", {"cases": found})


@router.post("")
def new_case(db: Db, user: Investigator, title: Annotated[str, Form()]) -> RedirectResponse:
    """Open a case."""
    with db.transaction() as connection:
        case = create_case(connection, title, user.name)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.get("/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request, db: Db, templates: Templates, user: Investigator, case_id: int
) -> HTMLResponse:
    """A case with its items and shares (audited by the store)."""
    with db.transaction() as connection:
        case = get_case(connection, case_id, user.name)
    return render(request, templates, "case.html", {"case": case})


@router.post("/{case_id}/items")
def file_item(
    db: Db,
    user: Investigator,
    case_id: int,
    kind: Annotated[str, Form()],
    ref: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=4000)] = "",
) -> RedirectResponse:
    """File an ad, network, contact or note in a case."""
    with db.transaction() as connection:
        add_item(connection, case_id, user.name, kind, ref, note)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/{case_id}/share")
def share(
    db: Db, user: Investigator, case_id: int, with_user: Annotated[str, Form()]
) -> RedirectResponse:
    """Share a case with a named user (owner only)."""
    with db.transaction() as connection:
        share_case(connection, case_id, user.name, with_user.strip())
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
