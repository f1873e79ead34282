"""ASGI middleware and app wiring for security: headers, CSRF cookie, overload shedding."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from sqlalchemy.exc import DataError
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from threadline.settings import Settings
from threadline.web.auth import (
    CSRF_COOKIE,
    ForbiddenError,
    LoginRequiredError,
    Security,
    User,
    csrf_field,
)
from threadline.web.throttle import LoginThrottle

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
NO_BROWSER_PREFIX = "/sms/"
HSTS = "max-age=31536000; includeSubDomains"
BASE_HEADERS = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)


def install(app: FastAPI, settings: Settings) -> None:
    """Wire security into an app: state, template globals, error pages, middleware."""
    app.state.security = Security.from_settings(settings)
    app.state.login_throttle = LoginThrottle()
    templates = app.state.templates
    assert isinstance(templates, Jinja2Templates)
    templates.env.globals.update(
        csrf_field=csrf_field, demo_mode=settings.demo_mode, principal=_principal
    )
    app.add_exception_handler(LoginRequiredError, _login_required)
    app.add_exception_handler(ForbiddenError, _forbidden)
    # A number no column can hold (an id of 2**70) is the caller's error, on every route.
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)
    # FastAPI's own 422 repeats the submitted value (a whole base64 image, a password).
    app.add_exception_handler(RequestValidationError, _invalid_request)
    # Added last is outermost: headers wrap even the overload answer.
    app.add_middleware(ConcurrencyLimit, limit=settings.max_concurrency)
    app.add_middleware(SecurityHeaders, force_https=settings.force_https)


class SecurityHeaders:
    """Adds the security headers to every response and gives each browser a CSRF cookie."""

    def __init__(self, app: ASGIApp, force_https: bool = False) -> None:
        self.app = app
        self.force_https = force_https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; decorate the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = self.force_https or scope.get("scheme") == "https"
        # Provider webhooks are no browser: no CSRF cookie to seed (a random draw per call).
        browser = not scope["path"].startswith(NO_BROWSER_PREFIX)
        fresh = browser and not _has_cookie(scope, CSRF_COOKIE)
        new_seed = secrets.token_urlsafe(24) if fresh else None
        if new_seed:
            scope.setdefault("state", {})["csrf_seed"] = new_seed

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _decorate(MutableHeaders(scope=message), scope["path"], tls, new_seed)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ConcurrencyLimit:
    """Serves at most `limit` requests at once; the next ones get 503 at once, not a queue."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request in, or shed it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            await _busy(send)
            return
        self.in_flight += 1  # one event loop: no lock needed between await points
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


async def _busy(send: Send) -> None:
    body = orjson.dumps({"detail": "server busy, retry shortly"})
    headers = [
        (b"content-type", b"application/json"),
        (b"retry-after", b"1"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _decorate(headers: MutableHeaders, path: str, tls: bool, new_seed: str | None) -> None:
    for name, value in BASE_HEADERS:
        headers.setdefault(name, value)
    if tls:
        headers["strict-transport-security"] = HSTS
    if not path.startswith("/static/"):
        headers["cache-control"] = "no-store"  # pages hold personal data: never cache them
    if new_seed:
        cookie = f"{CSRF_COOKIE}={new_seed}; Path=/; HttpOnly; SameSite=Lax"
        headers.append("set-cookie", cookie + ("; Secure" if tls else ""))


def _has_cookie(scope: Scope, name: str) -> bool:
    prefix = f"{name}=".encode()
    for key, value in scope["headers"]:
        if key == b"cookie" and any(p.strip().startswith(prefix) for p in value.split(b";")):
            return True
    return False


@pass_context
def _principal(context: Mapping[str, Any]) -> User | None:
    user = getattr(context["request"].state, "user", None)
    return user if isinstance(user, User) else None


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequiredError)
    if _is_api(request):
        return JSONResponse({"detail": "login required"}, status_code=401)
    return RedirectResponse(exc.location, status_code=303)


async def _out_of_range(_request: Request, _exc: Exception) -> Response:
    return JSONResponse({"detail": "a value is out of range"}, status_code=400)


async def _invalid_request(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": validation_problems(exc.errors())}, status_code=422)


def validation_problems(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each validation error as where (`loc`, and `field` as a dotted path), what (`msg`) and
    its `type`; never the submitted input nor the context that may quote it."""
    problems = []
    for error in errors:
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        field = ".".join(str(part) for part in loc[1:]) or ".".join(map(str, loc))
        problems.append(
            {
                "loc": loc,
                "field": field,
                "msg": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
        )
    return problems


async def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ForbiddenError)
    if _is_api(request):
        return JSONResponse({"detail": exc.detail}, status_code=403)
    templates = request.app.state.templates
    assert isinstance(templates, Jinja2Templates)
    page = templates.TemplateResponse(
        request, "forbidden.html", {"detail": exc.detail}, status_code=403
    )
    assert isinstance(page, HTMLResponse)
    return page
