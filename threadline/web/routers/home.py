"""The home page: what the corpus holds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from threadline.store import Database, corpus_counts
from threadline.web.auth import Role, User, require
from threadline.web.deps import get_db, get_templates

router = APIRouter()


@router.get("/corpus", response_class=HTMLResponse)
def home(
    request: Request,
    db: Annotated[Database, Depends(get_db)],
    templates: Annotated[Jinja2Templates, Depends(get_templates)],
    _user: Annotated[
        User, Depends(require(Role.ADMIN, Role.SUPERVISOR, Role.ANALYST, Role.OPERATOR))
    ],
) -> HTMLResponse:
    """Corpus counts and the networks with the highest risk."""
    with db.transaction() as connection:
        counts = corpus_counts(connection)
    return templates.TemplateResponse(request, "home.html", {"counts": counts})
