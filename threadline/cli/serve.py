"""`threadline serve`: the web app, in one process or several."""

from __future__ import annotations

import click
import uvicorn

from threadline.cli._common import get_settings
from threadline.cli._db import open_database
from threadline.web import create_app

FACTORY = "threadline.web.app:create_app_from_env"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes on this port; more than one needs PostgreSQL "
    "(THREADLINE_DATABASE_URL). Each reads its settings from the environment.",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve the web console and APIs."""
    settings = get_settings(ctx)
    database = open_database(ctx)
    click.echo(f"Threadline is at http://{host}:{port}/  (Ctrl-C stops it)", err=True)
    level = settings.log_level.lower()
    if workers == 1:
        app = create_app(settings, database)
        uvicorn.run(app, host=host, port=port, log_level=level, server_header=False)
        return
    if database.dialect != "postgresql":
        raise click.UsageError("--workers above 1 needs PostgreSQL (THREADLINE_DATABASE_URL)")
    # Made here, once: workers that each generated a missing key file would race.
    settings.resolved_secret_key()
    database.dispose()
    uvicorn.run(
        FACTORY,
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level=level,
        server_header=False,
    )
