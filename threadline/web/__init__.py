"""The web app: console pages, JSON API and webhooks (HTTP lives only here)."""

from threadline.web.app import create_app

__all__ = ["create_app"]
