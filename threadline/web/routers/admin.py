"""User administration for admins: create, unlock, change role, reset, disable."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection

from threadline.errors import InputError
from threadline.store import accounts
from threadline.store.accounts import Account, Role, User
from threadline.store.sessions import revoke_user_sessions
from threadline.web.auth import Security, audit, database, require, security
from threadline.web.deps import get_templates

router = APIRouter(prefix="/admin")

Admin = Annotated[User, Depends(require(Role.ADMIN))]
Templates = Annotated[Jinja2Templates, Depends(get_templates)]
Sec = Annotated[Security, Depends(security)]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # an INTEGER column on both engines


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, _admin: Admin, templates: Templates) -> Response:
    """Every account with its state, and the forms to change them."""
    with database(request).transaction() as connection:
        found = accounts.list_accounts(connection)
        audit(request, "user.list", "user", "*", connection=connection)
    return _page(templates, request, "admin_users.html", {"accounts": found, "roles": list(Role)})


@router.post("/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    _admin: Admin,
    templates: Templates,
    sec: Sec,
    name: Annotated[str, Form(max_length=100)],
    role: Annotated[Role, Form()],
) -> Response:
    """Create an account; show its one-time password once."""
    try:
        with database(request).transaction() as connection:
            account, password = accounts.create_user(connection, name, role, sec.hasher, sec.now())
            audit(
                request,
                "user.create",
                "user",
                str(account.id),
                "ok",
                {"name": name, "role": role.value},
                connection=connection,
            )
    except InputError as exc:
        audit(request, "user.create", "user", name, "failed", {"reason": exc.detail})
        return _page(templates, request, "admin_users.html", _error_context(request, exc), 400)
    context = {"account": account, "password": password}
    return _page(templates, request, "admin_password.html", context)


@router.post("/users/{user_id}/unlock")
def unlock_user(request: Request, _admin: Admin, sec: Sec, user_id: UserId) -> Response:
    """Lift a lockout."""
    return _change(
        request, user_id, "user.unlock", lambda c: accounts.unlock(c, user_id, sec.now())
    )


@router.post("/users/{user_id}/role")
def change_role(
    request: Request, _admin: Admin, sec: Sec, user_id: UserId, role: Annotated[Role, Form()]
) -> Response:
    """Change a role; the user's sessions end so the new role applies at once."""

    def apply(connection: Connection) -> None:
        before = accounts.get_account(connection, user_id).role
        accounts.set_role(connection, user_id, role)
        revoke_user_sessions(connection, user_id, sec.now())
        audit(
            request,
            "user.role",
            "user",
            str(user_id),
            "ok",
            {"from": before.value, "to": role.value},
            connection=connection,
        )

    return _change(request, user_id, "", apply)


@router.post("/users/{user_id}/disable")
def disable_user(request: Request, _admin: Admin, sec: Sec, user_id: UserId) -> Response:
    """Disable an account and end its sessions."""

    def apply(connection: Connection) -> None:
        accounts.set_disabled(connection, user_id, True)
        revoke_user_sessions(connection, user_id, sec.now())

    return _change(request, user_id, "user.disable", apply)


@router.post("/users/{user_id}/enable")
def enable_user(request: Request, _admin: Admin, user_id: UserId) -> Response:
    """Re-enable a disabled account."""
    return _change(
        request, user_id, "user.enable", lambda c: accounts.set_disabled(c, user_id, False)
    )


@router.post("/users/{user_id}/reset", response_class=HTMLResponse)
def reset_user(
    request: Request, _admin: Admin, templates: Templates, sec: Sec, user_id: UserId
) -> Response:
    """Issue a new one-time password and require MFA enrolment again."""
    with database(request).transaction() as connection:
        password = accounts.reset_password(connection, user_id, sec.hasher, sec.now())
        revoke_user_sessions(connection, user_id, sec.now())
        account = accounts.get_account(connection, user_id)
        audit(request, "user.reset", "user", str(user_id), connection=connection)
    context = {"account": account, "password": password}
    return _page(templates, request, "admin_password.html", context)


def _change(
    request: Request, user_id: UserId, action: str, apply: Callable[[Connection], object]
) -> Response:
    """Apply one change and its audit row in one transaction; refusals are audited too."""
    try:
        with database(request).transaction() as connection:
            apply(connection)
            if action:
                audit(request, action, "user", str(user_id), connection=connection)
    except InputError as exc:
        audit(
            request, action or "user.role", "user", str(user_id), "failed", {"reason": exc.detail}
        )
        raise
    return RedirectResponse("/admin/users", status_code=303)


def _error_context(request: Request, exc: InputError) -> dict[str, object]:
    with database(request).transaction() as connection:
        found: list[Account] = accounts.list_accounts(connection)
    return {"accounts": found, "roles": list(Role), "error": exc.detail}


def _page(
    templates: Jinja2Templates,
    request: Request,
    name: str,
    context: Mapping[str, object],
    status: int = 200,
) -> HTMLResponse:
    page = templates.TemplateResponse(request, name, dict(context), status_code=status)
    assert isinstance(page, HTMLResponse)
    return page
