"""Opening the database named by the settings, migrated and ready."""

from __future__ import annotations

import click

from threadline.cli._common import get_settings
from threadline.store import Database


def open_database(ctx: click.Context) -> Database:
    """The settings' database with its schema brought up to date."""
    database = Database.from_settings(get_settings(ctx))
    database.migrate()
    return database
