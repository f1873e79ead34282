"""The face review queue: candidate pairs side by side; a person decides, with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from threadline.faces import review_candidate, review_queue
from threadline.web.auth import security
from threadline.web.console._common import Db, Investigator, Templates, render, viewed

router = APIRouter()


@router.get("/faces", response_class=HTMLResponse)
def queue(
    request: Request,
    db: Db,
    templates: Templates,
    _user: Investigator,
    status: Annotated[str, Query(pattern="^(pending|confirmed|rejected|unsure)$")] = "pending",
) -> HTMLResponse:
    """Candidates in one status, nearest first."""
    items = review_queue(db, security(request).cipher, status, 50)
    viewed(request, "face_queue", status, candidates=[i.candidate.id for i in items])
    context = {"items": items, "status": status}
    return render(request, templates, "faces.html", context)


@router.post("/faces/{candidate_id}/review")
def review(
    db: Db,
    user: Investigator,
    candidate_id: int,
    decision: Annotated[str, Form(pattern="^(confirm|reject|unsure)$")],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
) -> RedirectResponse:
    """Record a decision with its written reason (audited by the faces service)."""
    review_candidate(db, candidate_id, decision, reason, user.name)
    return RedirectResponse(f"/faces?reviewed={candidate_id}", status_code=303)
