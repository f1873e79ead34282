"""`threadline serve`: the web app."""

from __future__ import annotations

import click
import uvicorn

from threadline.cli._common import get_settings
from threadline.cli._db import open_database
from threadline.web import create_app


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the web console and APIs."""
    settings = get_settings(ctx)
    database = open_database(ctx)
    click.echo(f"Threadline is at http://{host}:{port}/  (Ctrl-C stops it)", err=True)
    uvicorn.run(
        create_app(settings, database),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        server_header=False,
    )
