"""Enrichment of a buyer's number: offline metadata; a pluggable paid lookup, off by default."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Protocol

import phonenumbers
from phonenumbers import carrier, geocoder, timezone

_LINE_TYPES = {
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed_line",
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "premium_rate",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: "personal",
    phonenumbers.PhoneNumberType.PAGER: "pager",
    phonenumbers.PhoneNumberType.UAN: "uan",
    phonenumbers.PhoneNumberType.VOICEMAIL: "voicemail",
}


class PaidLookup(Protocol):
    """A commercial number lookup (carrier, caller name); none ships enabled."""

    name: str

    def lookup(self, e164: str) -> Mapping[str, Any]:
        """What the provider knows about the number."""
        ...


@lru_cache(maxsize=65536)
def normalize_phone(raw: str, region: str = "US") -> str:
    """E.164 when the number parses; otherwise the stripped text (short codes, sender ids)."""
    text = raw.strip()[:64]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_CARRIER_KINDS = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.PAGER,
    }
)  # the types `carrier.name_for_number` looks up; the others get ""


def phone_metadata(e164: str) -> dict[str, Any]:
    """Region, place, carrier (where known), line type and time zones, all offline.

    The same answers as `is_valid_number`, `description_for_number`, `name_for_number` and
    `time_zones_for_number`, which each find the number's type again: under +1 that is a
    match against some 25 regions' patterns, the most costly step of a new buyer's message.
    Here the type and region are found once; only geographic numbers take the short way.
    """
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return {"valid": False}
    kind = phonenumbers.number_type(number)
    region = phonenumbers.region_code_for_number(number)
    geographic = kind != phonenumbers.PhoneNumberType.UNKNOWN and (
        phonenumbers.is_number_type_geographical(kind, number.country_code or 0)
    )
    if geographic:
        place = geocoder.description_for_valid_number(number, "en")
        zones = timezone.time_zones_for_geographical_number(number)
    else:
        place = geocoder.description_for_number(number, "en")
        zones = timezone.time_zones_for_number(number)
    return {
        "valid": region is not None and phonenumbers.is_valid_number_for_region(number, region),
        "region": region or "",
        "place": place,
        "carrier": carrier.name_for_valid_number(number, "en") if kind in _CARRIER_KINDS else "",
        "line_type": _LINE_TYPES.get(kind, "unknown"),
        "time_zones": [z for z in zones if z != "Etc/Unknown"],
    }
