"""Cases: collect ads, networks, contacts and notes; share with named users."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from threadline.report import build_evidence
from threadline.store.cases import add_item, create_case, get_case, share_case, visible_cases
from threadline.web.console._common import Db, Investigator, Templates, render, settings_of

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


@router.post("/file")
def file_from_page(
    db: Db,
    user: Investigator,
    case: Annotated[int, Form()],
    kind: Annotated[str, Form()],
    ref: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=4000)] = "",
    back: Annotated[str, Form(max_length=300)] = "",
) -> RedirectResponse:
    """File the ad, network or contact a page shows in the chosen case; back to that page."""
    return file_item(db, user, case, kind, ref, note, back)


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
    back: Annotated[str, Form(max_length=300)] = "",
) -> RedirectResponse:
    """File an ad, network, contact or note in a case; back to the page it was filed from."""
    with db.transaction() as connection:
        add_item(connection, case_id, user.name, kind, ref, note)
    local = back.startswith("/") and not back.startswith("//") and "\\" not in back
    target = back if local else f"/cases/{case_id}"
    return RedirectResponse(target, status_code=303)


@router.post("/{case_id}/share")
def share(
    db: Db, user: Investigator, case_id: int, with_user: Annotated[str, Form()]
) -> RedirectResponse:
    """Share a case with a named user (owner only)."""
    with db.transaction() as connection:
        share_case(connection, case_id, user.name, with_user.strip())
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/{case_id}/evidence.zip")
async def evidence(request: Request, db: Db, user: Investigator, case_id: int) -> Response:
    """The case's evidence package (zip with manifest, custody log, verify.py); audited."""
    data = await run_in_threadpool(_package, request, db, case_id, user.name)
    headers = {"content-disposition": f'attachment; filename="case-{case_id}-evidence.zip"'}
    return Response(data, media_type="application/zip", headers=headers)


def _package(request: Request, db: Db, case_id: int, user: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="threadline-evidence-") as folder:
        out = Path(folder) / "evidence.zip"
        build_evidence(db, settings_of(request), case_id, user, out)
        return out.read_bytes()
