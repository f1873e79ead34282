"""Search parameters from a query string: phones in any format become E.164."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from threadline.errors import InputError
from threadline.extract import extract_text
from threadline.store.console import AdFilter

FIELDS = ("q", "phone", "email", "handle", "city", "date_from", "date_to", "indicator")
_DIGITS = re.compile(r"\d")
_PLAIN = re.compile(r"\+?[\d\s().\-]+")


def normalize_phone(raw: str, region: str = "US") -> str:
    """E.164 of a phone written any way (dashes, brackets, words, look-alikes); '' if none."""
    if not raw.strip():
        return ""
    plain = _plain_digits(raw)
    if plain:
        return plain
    for finding in extract_text(raw, region):
        if finding.kind == "phone":
            return finding.value
    return _plain_digits(raw, strict=False) or _refuse(raw)


def _plain_digits(raw: str, strict: bool = True) -> str:
    """A North American number written with digits and punctuation only (the fast path)."""
    if strict and not _PLAIN.fullmatch(raw.strip()):
        return ""
    digits = "".join(_DIGITS.findall(raw))
    if len(digits) == 10:
        return f"+1{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"+{digits}"
    return ""


def _refuse(raw: str) -> str:
    raise InputError(f"{raw!r} is not a phone number")


def filter_from_query(params: Mapping[str, str], region: str = "US") -> AdFilter:
    """The AdFilter a search page's query string asks for."""

    def get(name: str) -> str:
        return (params.get(name) or "").strip()

    return AdFilter(
        text=get("q"),
        phone=normalize_phone(get("phone"), region),
        email=get("email").lower(),
        handle=get("handle"),
        city=get("city"),
        date_from=_date(get("date_from")),
        date_to=_date(get("date_to")),
        indicator=get("indicator"),
        risk=get("risk"),
        network=get("network"),
        sort=get("sort") or "relevance",
    )


def query_params(query: AdFilter) -> dict[str, str]:
    """The query string of a filter (the inverse of `filter_from_query`)."""
    params = query.params()
    if "text" in params:
        params["q"] = params.pop("text")
    return params


def _date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)") from exc
