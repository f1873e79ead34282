"""Conversion between the JSON ad record of DESIGN.md and the `Ad` type."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from threadline.errors import InputError
from threadline.model.ad import Ad, ImageRef

_KNOWN = frozenset(
    {"id", "site", "url", "title", "body", "posted_at", "city", "region", "country", "images"}
)
_MAX_FIELD = 1_000_000


def ad_from_record(record: object) -> Ad:
    """An `Ad` from one decoded JSON object; raises InputError naming what is wrong."""
    if not isinstance(record, dict):
        raise InputError("record is not a JSON object")
    ad_id = _required_id(record.get("id"))
    title = _optional_text(record, "title") or ""
    body = _optional_text(record, "body") or ""
    if not title and not body:
        raise InputError("record has neither title nor body")
    return Ad(
        id=ad_id,
        title=title,
        body=body,
        site=_optional_text(record, "site"),
        url=_optional_text(record, "url"),
        posted_at=parse_time(record.get("posted_at")),
        city=_optional_text(record, "city"),
        region=_optional_text(record, "region"),
        country=_country(record.get("country")),
        images=_images(record.get("images")),
        extra={k: v for k, v in record.items() if k not in _KNOWN},
    )


def ad_to_record(ad: Ad) -> dict[str, Any]:
    """The JSON record of an ad, unknown fields included, in the contract's key order."""
    record: dict[str, Any] = {
        "id": ad.id,
        "site": ad.site,
        "url": ad.url,
        "title": ad.title,
        "body": ad.body,
        "posted_at": ad.posted_at.isoformat() if ad.posted_at else None,
        "city": ad.city,
        "region": ad.region,
        "country": ad.country,
        "images": [_image_record(image) for image in ad.images],
    }
    record.update(ad.extra)
    return record


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime; naive times are taken as UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError("posted_at is not a string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"posted_at is not ISO 8601: {value[:40]!r}") from exc
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _required_id(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError("record has no id (a string or an integer)")
    text = str(value).strip()
    if not text or len(text) > 512:
        raise InputError("id is empty or longer than 512 characters")
    return text


def _optional_text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{key} is not a string")
    if len(value) > _MAX_FIELD:
        raise InputError(f"{key} is longer than {_MAX_FIELD} characters")
    return value


def _country(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) != 2 or not value.isalpha():
        raise InputError("country is not an ISO 3166 alpha-2 code")
    return value.upper()


def _images(value: object) -> tuple[ImageRef, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError("images is not a list")
    return tuple(_image(item) for item in value)


def _image(item: object) -> ImageRef:
    if isinstance(item, str):
        return ImageRef(url=item)
    if not isinstance(item, dict):
        raise InputError("an image is neither a URL nor an object")
    refs = {key: item.get(key) for key in ("url", "path", "sha256")}
    if not all(v is None or isinstance(v, str) for v in refs.values()):
        raise InputError("image url, path and sha256 must be strings")
    if refs["url"] is None and refs["path"] is None:
        raise InputError("an image has neither url nor path")
    return ImageRef(url=refs["url"], path=refs["path"], sha256=refs["sha256"])


def _image_record(image: ImageRef) -> dict[str, str]:
    fields = {"url": image.url, "path": image.path, "sha256": image.sha256}
    return {key: value for key, value in fields.items() if value is not None}
