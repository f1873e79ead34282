"""Authentication and authorization for every route: sessions, roles, CSRF, audit.

Routes declare who may call them, and nothing else is admitted (deny by default):

    @router.get("/cases/{case_id}")
    def case(user: Annotated[User, Depends(require(Role.ANALYST, Role.SUPERVISOR))]) -> ...

`require` answers 303 to /login for pages and 401 JSON under /api/ when nobody is logged in,
403 for a role not named, and checks the CSRF token of every POST/PUT/PATCH/DELETE itself.
Routes open to anyone declare it with `dependencies=[Depends(public("why"))]`; a test fails
for any route that has neither. Platform API keys (Bearer) will add a second principal here
(`require_api_key(...)`) beside `require`, on the same audit helper.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from jinja2 import pass_context
from markupsafe import Markup, escape
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from threadline.errors import StorageError
from threadline.settings import Settings
from threadline.store import Database, FieldCipher
from threadline.store.accounts import Role, User
from threadline.store.audit import AuditEvent, append_audit
from threadline.store.crypto import derive_key
from threadline.store.passwords import PasswordHasherPolicy
from threadline.store.sessions import ActiveSession, Limits, Stage, load_session
from threadline.store.signing import signing_key
from threadline.web.throttle import LoginThrottle

__all__ = [
    "CSRF_FIELD",
    "SESSION_COOKIE",
    "ForbiddenError",
    "LoginRequiredError",
    "Require",
    "Role",
    "Security",
    "User",
    "audit",
    "client_ip",
    "csrf_field",
    "csrf_token",
    "current_session",
    "public",
    "require",
    "require_stage",
    "verify_csrf",
]

SESSION_COOKIE = "tl_session"
CSRF_COOKIE = "tl_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
STAGE_PAGES = {Stage.PASSWORD: "/password", Stage.ENROL: "/mfa/enrol", Stage.MFA: "/mfa"}
_NO_SESSION = object()


class LoginRequiredError(Exception):
    """Nobody (fully) logged in: pages go to the next login step, the API answers 401."""

    def __init__(self, location: str = "/login") -> None:
        super().__init__(location)
        self.location = location


class ForbiddenError(Exception):
    """Logged in, but not allowed (wrong role or a bad CSRF token): 403."""

    def __init__(self, detail: str = "forbidden") -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Security:
    """What the auth code derives from the settings once per app."""

    settings: Settings
    hasher: PasswordHasherPolicy
    cipher: FieldCipher
    limits: Limits
    csrf_key: bytes
    signing_key: Ed25519PrivateKey
    clock: Callable[[], datetime]

    @classmethod
    def from_settings(cls, settings: Settings) -> Security:
        """Hasher, cipher, session limits and keys as the settings say."""
        secret = settings.resolved_secret_key()
        field_keys = settings.field_keys.get_secret_value() if settings.field_keys else None
        audit_key = settings.audit_signing_key
        return cls(
            settings=settings,
            hasher=PasswordHasherPolicy(fips=settings.fips_mode),
            cipher=FieldCipher.from_spec(field_keys, secret),
            limits=Limits(
                idle=timedelta(minutes=settings.session_idle_minutes),
                absolute=timedelta(hours=settings.session_absolute_hours),
            ),
            csrf_key=derive_key(secret, b"threadline csrf"),
            signing_key=signing_key(audit_key.get_secret_value() if audit_key else None, secret),
            clock=lambda: datetime.now(UTC),
        )

    def now(self) -> datetime:
        """The current UTC time (a test may replace the clock)."""
        return self.clock()


def security(request: Request) -> Security:
    """The app's security object."""
    value = request.app.state.security
    assert isinstance(value, Security)
    return value


def database(request: Request) -> Database:
    """The app's database."""
    value = request.app.state.db
    assert isinstance(value, Database)
    return value


def login_throttle(request: Request) -> LoginThrottle:
    """The app's per-address login throttle."""
    value = request.app.state.login_throttle
    assert isinstance(value, LoginThrottle)
    return value


def client_ip(request: Request) -> str:
    """The peer address as the server saw it (the proxy's, unless uvicorn trusts it)."""
    return request.client.host if request.client else ""


def current_session(request: Request) -> ActiveSession | None:
    """The session the cookie names, if it is live (looked up once per request)."""
    cached = getattr(request.state, "tl_session", _NO_SESSION)
    if cached is not _NO_SESSION:
        return cached  # type: ignore[return-value]
    session = _lookup(request)
    request.state.tl_session = session
    request.state.user = session.user if session and session.stage is Stage.OK else None
    return session


def _lookup(request: Request) -> ActiveSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 100:
        return None
    sec = security(request)
    now = sec.now()
    with database(request).transaction() as connection:
        found = load_session(connection, token, now, sec.limits)
        if found.user is not None:
            request.state.actor = found.user.name
            audit(
                request,
                "session.end",
                "user",
                str(found.user.id),
                "ok",
                {"why": found.ended},
                connection=connection,
            )
    return found.session


SessionDep = Annotated[ActiveSession | None, Depends(current_session)]


class Require:
    """The dependency `require(...)` returns; `roles` says who it admits (tests read it)."""

    def __init__(self, roles: frozenset[Role]) -> None:
        self.roles = roles

    async def __call__(self, request: Request, session: SessionDep) -> User:
        """The logged-in user, after the role and (for writes) the CSRF checks."""
        if session is None:
            raise LoginRequiredError()
        if session.stage is not Stage.OK:
            raise LoginRequiredError(STAGE_PAGES[session.stage])
        if session.user.role not in self.roles:
            await run_in_threadpool(_deny, request, session.user, "role")
            raise ForbiddenError()
        await _check_csrf_if_unsafe(request)
        return session.user


def require(*roles: Role) -> Require:
    """A dependency admitting a fully logged-in user of one of these roles, and nobody else."""
    if not roles:
        raise ValueError("name at least one role: access is denied by default")
    return Require(frozenset(roles))


class RequireStage:
    """Admits a session at one of the given login steps (password change, MFA)."""

    def __init__(self, stages: frozenset[Stage]) -> None:
        self.stages = stages

    async def __call__(self, request: Request, session: SessionDep) -> ActiveSession:
        """The session, after the CSRF check for writes."""
        if session is None:
            raise LoginRequiredError()
        if session.stage not in self.stages:
            raise LoginRequiredError(STAGE_PAGES.get(session.stage, "/"))
        await _check_csrf_if_unsafe(request)
        return session


def require_stage(*stages: Stage) -> RequireStage:
    """A dependency for the login steps themselves."""
    return RequireStage(frozenset(stages))


class PublicRoute:
    """Marks a route open to anyone, with the reason (tests list these)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    async def __call__(self) -> None:
        """Admits everyone (async: a sync dependency costs a thread-pool hop per request)."""


def public(reason: str) -> PublicRoute:
    """Declare a route public, saying why (health checks, login, signed webhooks)."""
    return PublicRoute(reason)


def csrf_token(request: Request) -> str:
    """The token forms must send back: bound to this browser's CSRF cookie and session."""
    seed = request.scope.get("state", {}).get("csrf_seed") or request.cookies.get(CSRF_COOKIE, "")
    session = request.cookies.get(SESSION_COOKIE, "")
    message = f"csrf|{seed}|{session}".encode()
    return hmac.new(security(request).csrf_key, message, hashlib.sha256).hexdigest()


@pass_context
def csrf_field(context: Mapping[str, Any]) -> Markup:
    """Jinja global: the hidden input every form carries."""
    token = csrf_token(context["request"])
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(token))


async def verify_csrf(request: Request) -> None:
    """Dependency: refuse a write whose form field or X-CSRF-Token header is wrong."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and _is_form(request):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, csrf_token(request)):
        raise ForbiddenError("CSRF token missing or wrong")


async def _check_csrf_if_unsafe(request: Request) -> None:
    if request.method not in SAFE_METHODS:
        await verify_csrf(request)


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def audit(
    request: Request,
    action: str,
    object_type: str = "",
    object_id: str = "",
    outcome: str = "ok",
    detail: Mapping[str, Any] | None = None,
    *,
    connection: Connection | None = None,
) -> int:
    """Write one audit row for this request (who, what, which object, from where, outcome).

    Pass the `connection` of the transaction that does the action so both commit or neither
    does; without one the row gets its own transaction. Any failure raises, so the action
    fails with it (fail closed). Call it from sync route functions (run in a thread pool).
    """
    try:
        if connection is not None:
            return _append(connection, request, action, object_type, object_id, outcome, detail)
        with database(request).transaction() as own:
            return _append(own, request, action, object_type, object_id, outcome, detail)
    except SQLAlchemyError as exc:
        raise StorageError("the audit log cannot be written, so the action was refused") from exc


def _append(
    connection: Connection,
    request: Request,
    action: str,
    object_type: str,
    object_id: str,
    outcome: str,
    detail: Mapping[str, Any] | None,
) -> int:
    event = AuditEvent(
        actor=_actor(request),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        source_ip=client_ip(request),
        outcome=outcome,
        detail=dict(detail or {}) | {"method": request.method, "path": request.url.path},
    )
    return append_audit(connection, event, at=security(request).now())


def _actor(request: Request) -> str:
    session = getattr(request.state, "tl_session", None)
    if isinstance(session, ActiveSession):
        return session.user.name
    return str(getattr(request.state, "actor", "") or "anonymous")


def _deny(request: Request, user: User, why: str) -> None:
    audit(request, "access.denied", "route", request.url.path, "denied", {"why": why})
