"""Request dependencies: the app's database and templates."""

from __future__ import annotations

from fastapi import Request
from fastapi.templating import Jinja2Templates

from threadline.store import Database


def get_db(request: Request) -> Database:
    """The database the app was created with."""
    db = request.app.state.db
    assert isinstance(db, Database)
    return db


def get_templates(request: Request) -> Jinja2Templates:
    """The app's Jinja2 templates."""
    templates = request.app.state.templates
    assert isinstance(templates, Jinja2Templates)
    return templates
