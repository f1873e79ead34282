"""Identifiers in one canonical form, so watchlists, leads and ads hash alike."""

from __future__ import annotations

import re
from pathlib import Path

import phonenumbers

from threadline.errors import InputError
from threadline.link import hash_image
from threadline.model import Extraction

WATCH_KINDS = ("email", "handle", "image", "phone")
IDENTIFIER_KINDS = frozenset({"phone", "email", "handle"})
NORMALIZATION = {
    "phone": "E.164, e.g. +12025550100",
    "email": "lower case, surrounding spaces removed",
    "handle": "service:handle in lower case, e.g. kik:someone",
    "image": "the first 64 hex digits of threadline.link.hash_image (whole-image pHash)",
}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def canonical(kind: str, value: str, region: str = "US") -> str:
    """The canonical value of an identifier; InputError when it is not one."""
    value = value.strip()
    if kind == "phone":
        return _phone(value, region)
    if kind == "email":
        if not _EMAIL.match(value):
            raise InputError(f"not an email address: {value[:80]!r}")
        return value.lower()
    if kind == "handle":
        service, _, handle = value.lower().partition(":")
        if not service or not handle.strip().lstrip("@"):
            raise InputError("a handle is written service:handle, e.g. kik:ana_x")
        return f"{service.strip()}:{handle.strip().lstrip('@')}"
    if kind == "image":
        return _image(value)
    raise InputError(f"kind must be one of {', '.join(WATCH_KINDS)}")


def image_key(data: bytes) -> str:
    """The watchlist form of an image: its whole-image perceptual hash (64 hex digits)."""
    return hash_image(data)[:64]


def ad_identifiers(extraction: Extraction) -> list[tuple[str, str]]:
    """The ad's phones, emails and handles in canonical form, distinct, in order."""
    found = [
        (f.kind, f.value if f.kind == "phone" else f.value.lower())
        for f in extraction.findings
        if f.kind in IDENTIFIER_KINDS
    ]
    return list(dict.fromkeys(found))


def _phone(value: str, region: str) -> str:
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise InputError(f"not a phone number: {value[:40]!r}") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InputError(f"not a phone number: {value[:40]!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _image(value: str) -> str:
    lowered = value.lower()
    if _HEX64.match(lowered):
        return lowered
    path = Path(value)
    if path.is_file():
        return image_key(path.read_bytes())
    raise InputError("an image is 64 hex digits of a perceptual hash or a path to an image file")
