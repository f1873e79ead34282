"""The FastAPI application factory: settings in, app out; no globals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from threadline import __version__
from threadline.errors import ThreadlineError
from threadline.settings import Settings
from threadline.store import Database
from threadline.web.console import ROUTERS as CONSOLE_ROUTERS
from threadline.web.middleware import install
from threadline.web.routers import admin, audit, auth, health, home, intercept, screen, sms

HERE = Path(__file__).parent
ROUTERS = (
    health.router,
    auth.router,
    home.router,
    admin.router,
    audit.router,
    sms.router,
    intercept.router,
    screen.router,
    *CONSOLE_ROUTERS,
)


def create_app(settings: Settings, database: Database | None = None) -> FastAPI:
    """A configured app; the database is opened from the settings unless one is handed in."""
    db = database or Database.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with sms.intercept_lifespan(_app):
            yield
        if database is None:
            db.dispose()

    app = FastAPI(
        title="Threadline",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # Swagger UI needs inline script and a CDN: not under our CSP
        redoc_url=None,
        openapi_url="/openapi.json" if settings.api_docs else None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    # Added before the security middleware, so it runs inside it (headers, overload shedding).
    app.add_middleware(sms.WebhookFastPath)
    app.add_middleware(screen.ScreenFastPath)
    install(app, settings)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(ThreadlineError, _threadline_error)
    return app


def create_app_from_env() -> FastAPI:
    """The app configured from THREADLINE_* variables: the import-string factory that each
    process of `threadline serve --workers N` calls for itself."""
    return create_app(Settings())


async def _threadline_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ThreadlineError)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status)
