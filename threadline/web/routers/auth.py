"""Login (with the use notice), password change, MFA enrolment and check, logout."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection

from threadline.store import accounts, totp
from threadline.store.accounts import Account, Role
from threadline.store.sessions import (
    ActiveSession,
    Stage,
    create_session,
    revoke,
    revoke_user_sessions,
    session_stage,
    set_stage,
    token_hash,
)
from threadline.web.auth import (
    SESSION_COOKIE,
    STAGE_PAGES,
    Security,
    audit,
    client_ip,
    current_session,
    database,
    login_throttle,
    public,
    require_stage,
    security,
    verify_csrf,
)
from threadline.web.deps import get_templates

router = APIRouter()

LOGIN_FAILED = (
    "Login failed. Check the name and password. After 5 failures in 15 minutes an account "
    "is locked until an administrator unlocks it."
)
THROTTLED = "Too many failed logins from this address. Wait 15 minutes and try again."
LANDING = {Role.AUDITOR: "/audit"}

Templates = Annotated[Jinja2Templates, Depends(get_templates)]
Sec = Annotated[Security, Depends(security)]
SessionAtPassword = Annotated[ActiveSession, Depends(require_stage(Stage.PASSWORD, Stage.OK))]
SessionAtEnrol = Annotated[ActiveSession, Depends(require_stage(Stage.ENROL))]
SessionAtMfa = Annotated[ActiveSession, Depends(require_stage(Stage.MFA))]
ANYONE = [Depends(public("login needs no session"))]
CSRF_ANYONE = [Depends(public("login needs no session")), Depends(verify_csrf)]


@router.get("/login", response_class=HTMLResponse, dependencies=ANYONE)
def login_page(request: Request, templates: Templates, sec: Sec) -> HTMLResponse:
    """The use notice and the login form."""
    return _page(templates, request, "login.html", {"banner": sec.settings.use_banner})


@router.post("/login", response_class=HTMLResponse, dependencies=CSRF_ANYONE)
def login(
    request: Request,
    templates: Templates,
    sec: Sec,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    acknowledge: Annotated[bool, Form()] = False,
) -> Response:
    """Check the password; start a session at the next login step, or say it failed."""
    context = {"banner": sec.settings.use_banner, "name": name}
    if not acknowledge:
        context["error"] = "Acknowledge the notice to continue."
        return _page(templates, request, "login.html", context, 400)
    throttle = login_throttle(request)
    request.state.actor = name[:200]
    if throttle.blocked(client_ip(request), sec.now()):
        audit(request, "login", "user", name[:200], "failed", {"reason": "throttled"})
        return _page(templates, request, "login.html", context | {"error": THROTTLED}, 429)
    with database(request).transaction() as connection:
        started = _login(connection, request, sec, name, password)
    if started is None:
        throttle.failed(client_ip(request), sec.now())
        return _page(templates, request, "login.html", context | {"error": LOGIN_FAILED}, 400)
    token, location = started
    return _to(location, token, sec, request)


def _login(
    connection: Connection, request: Request, sec: Sec, name: str, password: str
) -> tuple[str, str] | None:
    """The new session's token and the page to go to, or None when the login failed."""
    now, ip = sec.now(), client_ip(request)
    earlier = request.cookies.get(SESSION_COOKIE)
    if earlier:  # a new login replaces whatever session this browser had
        revoke(connection, token_hash(earlier), now)
    result = accounts.authenticate(
        connection, name, password, hasher=sec.hasher, now=now, source_ip=ip
    )
    request.state.actor = name[:200]
    if result.account is None:
        audit(
            request,
            "login",
            "user",
            name[:200],
            "failed",
            {"reason": result.reason},
            connection=connection,
        )
        if result.locked_now:
            audit(request, "user.lock", "user", name[:200], "ok", connection=connection)
        return None
    stage = _first_stage(result.account, sec.settings.demo_mode)
    token = create_session(connection, result.account.id, stage, now, ip)
    audit(
        request,
        "login",
        "user",
        str(result.account.id),
        "ok",
        {"next": stage.value},
        connection=connection,
    )
    return token, _next_page(stage, result.account.role)


def _first_stage(account: Account, demo: bool) -> Stage:
    if account.must_change_password:
        return Stage.PASSWORD
    return _after_password(account.mfa_enrolled, demo)


def _after_password(enrolled: bool, demo: bool) -> Stage:
    if demo:
        return Stage.OK
    return Stage.MFA if enrolled else Stage.ENROL


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request, templates: Templates, session: SessionAtPassword) -> Response:
    """The form to choose a new password."""
    return _page(templates, request, "password.html", {"forced": session.stage is Stage.PASSWORD})


@router.post("/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    templates: Templates,
    sec: Sec,
    session: SessionAtPassword,
    current: Annotated[str, Form(max_length=1024)],
    new: Annotated[str, Form(max_length=1024)],
    confirm: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Replace the password, then go on to MFA (or the app)."""
    problems = ["the two new passwords differ"] if new != confirm else []
    with database(request).transaction() as connection:
        problems = problems or _change(connection, request, sec, session, current, new)
    if problems:
        context = {"forced": session.stage is Stage.PASSWORD, "problems": problems}
        return _page(templates, request, "password.html", context, 400)
    return RedirectResponse(_current_page(request), status_code=303)


def _change(
    connection: Connection,
    request: Request,
    sec: Sec,
    session: ActiveSession,
    current: str,
    new: str,
) -> list[str]:
    user_id = session.user.id
    problems = accounts.change_password(
        connection, user_id, current, new, hasher=sec.hasher, now=sec.now()
    )
    outcome = "failed" if problems else "ok"
    audit(
        request,
        "password.change",
        "user",
        str(user_id),
        outcome,
        {"problems": problems},
        connection=connection,
    )
    if not problems:  # a new password ends the user's other sessions
        revoke_user_sessions(connection, user_id, sec.now(), keep=session.token_hash)
    if not problems and session.stage is Stage.PASSWORD:
        enrolled = accounts.get_account(connection, user_id).mfa_enrolled
        set_stage(connection, session.token_hash, _after_password(enrolled, sec.settings.demo_mode))
    return problems


@router.get("/mfa/enrol", response_class=HTMLResponse)
def enrol_page(
    request: Request, templates: Templates, sec: Sec, session: SessionAtEnrol
) -> Response:
    """A new TOTP secret as text, otpauth URI and QR code."""
    with database(request).transaction() as connection:
        secret = accounts.begin_enrolment(connection, session.user.id, sec.cipher)
    uri = totp.provisioning_uri(secret, session.user.name)
    context = {"secret": secret, "uri": uri, "qr": totp.qr_svg(uri)}
    return _page(templates, request, "mfa_enrol.html", context)


@router.post("/mfa/enrol", response_class=HTMLResponse)
def enrol(
    request: Request,
    sec: Sec,
    session: SessionAtEnrol,
    code: Annotated[str, Form(max_length=20)],
) -> Response:
    """Confirm the authenticator with a first code."""
    return _check_code(request, sec, session, code, "mfa.enrol")


@router.get("/mfa", response_class=HTMLResponse)
def mfa_page(request: Request, templates: Templates, session: SessionAtMfa) -> Response:
    """The form for the six-digit code."""
    return _page(templates, request, "mfa.html", {"name": session.user.name})


@router.post("/mfa", response_class=HTMLResponse)
def mfa(
    request: Request,
    sec: Sec,
    session: SessionAtMfa,
    code: Annotated[str, Form(max_length=20)],
) -> Response:
    """Check the code; a used or wrong one counts as a failed login."""
    return _check_code(request, sec, session, code, "mfa.verify")


def _check_code(
    request: Request, sec: Security, session: ActiveSession, code: str, action: str
) -> Response:
    now, token = sec.now(), ""
    with database(request).transaction() as connection:
        ok = accounts.check_totp(connection, session.user.id, code, sec.cipher, now)
        if ok:
            # A fresh token for the fully logged-in session: the half-way one is spent.
            revoke(connection, session.token_hash, now)
            token = create_session(connection, session.user.id, Stage.OK, now, client_ip(request))
        else:
            _code_failed(connection, request, session)
        audit(
            request,
            action,
            "user",
            str(session.user.id),
            "ok" if ok else "failed",
            connection=connection,
        )
    if ok:
        return _to(LANDING.get(session.user.role, "/"), token, sec, request)
    page = STAGE_PAGES[session.stage]
    return RedirectResponse(f"{page}?error=code", status_code=303)


def _code_failed(connection: Connection, request: Request, session: ActiveSession) -> None:
    now = security(request).now()
    locked = accounts.register_failure(connection, session.user.id, now, client_ip(request))
    if locked:
        revoke(connection, session.token_hash, now)
        audit(request, "user.lock", "user", str(session.user.id), connection=connection)


@router.post("/logout", dependencies=[Depends(public("logout ends whatever session there is"))])
def logout(request: Request, sec: Sec, _csrf: Annotated[None, Depends(verify_csrf)]) -> Response:
    """End the session and clear the cookie."""
    session = current_session(request)
    if session is not None:
        with database(request).transaction() as connection:
            revoke(connection, session.token_hash, sec.now())
            audit(request, "logout", "user", str(session.user.id), connection=connection)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


def _next_page(stage: Stage, role: Role) -> str:
    return STAGE_PAGES.get(stage, LANDING.get(role, "/"))


def _current_page(request: Request) -> str:
    session = getattr(request.state, "tl_session", None)
    if not isinstance(session, ActiveSession):
        return "/login"
    with database(request).transaction() as connection:
        stage = session_stage(connection, session.token_hash)
    return STAGE_PAGES.get(stage, LANDING.get(session.user.role, "/"))


def _to(location: str, token: str, sec: Security, request: Request) -> Response:
    response = RedirectResponse(location, status_code=303)
    secure = sec.settings.force_https or request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE, token, path="/", httponly=True, samesite="lax", secure=secure
    )
    return response


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
