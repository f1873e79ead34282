"""What every console page shares: who may see it, rendering, and the audit of each view."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from threadline.settings import Settings
from threadline.store import Database
from threadline.store.cases import Case, visible_cases
from threadline.web.auth import Role, User, audit, require
from threadline.web.deps import get_db, get_templates

Reader = Annotated[User, Depends(require(Role.ADMIN, Role.SUPERVISOR, Role.ANALYST, Role.OPERATOR))]
Investigator = Annotated[User, Depends(require(Role.ADMIN, Role.SUPERVISOR, Role.ANALYST))]
Supervisor = Annotated[User, Depends(require(Role.ADMIN, Role.SUPERVISOR))]
Db = Annotated[Database, Depends(get_db)]
Templates = Annotated[Jinja2Templates, Depends(get_templates)]


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    value = request.app.state.settings
    assert isinstance(value, Settings)
    return value


def render(
    request: Request,
    templates: Jinja2Templates,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    """A console template rendered with its context."""
    return templates.TemplateResponse(request, f"console/{name}", context, status_code=status_code)


def viewed(request: Request, object_type: str, object_id: str, **detail: Any) -> None:
    """Audit one view of personal data (fails closed: no audit row, no page)."""
    audit(request, f"console.view.{object_type}", object_type, object_id, "ok", detail)


INVESTIGATORS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.ANALYST})


def cases_for(db: Database, user: User) -> list[Case]:
    """The cases a user may file into (none for roles that cannot open cases)."""
    if user.role not in INVESTIGATORS:
        return []
    with db.transaction() as connection:
        return visible_cases(connection, user.name)
