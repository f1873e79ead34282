"""Offline phone metadata: the short way gives what phonenumbers' checking functions give."""

from __future__ import annotations

from typing import Any

import phonenumbers
import pytest
from phonenumbers import carrier, geocoder, timezone

from threadline.intercept._enrich import _LINE_TYPES, phone_metadata


def reference(e164: str) -> dict[str, Any]:
    """The metadata by phonenumbers' own validity-checking functions, one call each."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return {"valid": False}
    return {
        "valid": phonenumbers.is_valid_number(number),
        "region": phonenumbers.region_code_for_number(number) or "",
        "place": geocoder.description_for_number(number, "en"),
        "carrier": carrier.name_for_number(number, "en"),
        "line_type": _LINE_TYPES.get(phonenumbers.number_type(number), "unknown"),
        "time_zones": [z for z in timezone.time_zones_for_number(number) if z != "Etc/Unknown"],
    }


@pytest.mark.parametrize(
    "e164",
    [
        "+17025550142",  # fictional US, Las Vegas area code
        "+12125550101",  # fictional US, New York
        "+14165550123",  # fictional Canada, Toronto
        "+18005550100",  # toll free: not geographic
        "+447700900123",  # UK mobile range for drama
        "+442079460123",  # UK London drama range
        "+34600000000",  # Spanish mobile
        "+525555550100",  # Mexico City
        "+19999999999",  # +1 but no region
        "+80012345678",  # international freephone, a non-geographic entity
        "+1555",  # too short
        "not a number",
    ],
)
def test_phone_metadata_matches_phonenumbers_checking_functions(e164: str) -> None:
    assert phone_metadata(e164) == reference(e164)


def test_a_fictional_las_vegas_number() -> None:
    assert phone_metadata("+17025550142") == {
        "valid": True,
        "region": "US",
        "place": "Nevada",
        "carrier": "",
        "line_type": "fixed_line_or_mobile",
        "time_zones": ["America/Los_Angeles"],
    }
