"""Builders for test data: plain functions with defaults, override what the test is about."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from threadline.model import Ad, ImageRef


def an_ad(ad_id: str = "ad-1", **overrides: Any) -> Ad:
    """An ad with harmless defaults."""
    fields: dict[str, Any] = {
        "id": ad_id,
        "title": "Sweet company, new in town",
        "body": "Text 702-555-0142 for rates.",
        "site": "example-classifieds",
        "url": f"https://classifieds.example/ads/{ad_id}",
        "posted_at": datetime(2026, 10, 1, 12, 0, tzinfo=UTC),
        "city": "Las Vegas",
        "region": "NV",
        "country": "US",
        "images": (ImageRef(url="https://classifieds.example/img/1.jpg"),),
    }
    fields.update(overrides)
    return Ad(**fields)


def a_record(ad_id: str = "ad-1", **overrides: Any) -> dict[str, Any]:
    """A JSON ad record as a crawler would write it."""
    record: dict[str, Any] = {
        "id": ad_id,
        "site": "example-classifieds",
        "title": "Sweet company",
        "body": "Text 702-555-0142 for rates.",
        "posted_at": "2026-10-01T12:00:00Z",
        "city": "Las Vegas",
        "region": "NV",
        "country": "US",
    }
    record.update(overrides)
    return record
