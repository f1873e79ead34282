"""Prices with amount, unit and currency, from every rate notation."""

from __future__ import annotations

import pytest

from tests.extract.conftest import Run
from threadline.extract.prices import extract_prices


def _values(run: Run, text: str) -> list[tuple[int, str]]:
    return [(int(f.attr("amount")), f.attr("unit")) for f in run(extract_prices, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$200/hr", [(200, "hour")]),
        ("$150/hh", [(150, "half_hour")]),
        ("$100 qv", [(100, "quick_visit")]),
        ("$800 overnight", [(800, "overnight")]),
        ("$300 session", [(300, "session")]),
        ("200/hr", [(200, "hour")]),
        ("qv 100", [(100, "quick_visit")]),
        ("donation 300", [(300, "session")]),
        ("200 hr", [(200, "hour")]),
        ("150 hh", [(150, "half_hour")]),
        ("overnight 800", [(800, "overnight")]),
        ("300 roses", [(300, "session")]),
        ("200 roses/hr", [(200, "hour")]),
        ("150 roses/hh", [(150, "half_hour")]),
        ("100 roses qv", [(100, "quick_visit")]),
        ("800 roses overnight", [(800, "overnight")]),
        ("200🌹/hr", [(200, "hour")]),
        ("150🌹 hh", [(150, "half_hour")]),
        ("qv 100🌹", [(100, "quick_visit")]),
        ("800🌹 overnight", [(800, "overnight")]),
        ("300🌹", [(300, "session")]),
        ("$200 per hour", [(200, "hour")]),
        ("$150 half hour", [(150, "half_hour")]),
        ("$100 quick visit", [(100, "quick_visit")]),
        ("$300 per session", [(300, "session")]),
        ("$1,000 overnight", [(1000, "overnight")]),
        ("two hundred roses", []),  # words for amounts are not read
        (
            "150/hh 250/hr 800 overnight",
            [(150, "half_hour"), (250, "hour"), (800, "overnight")],
        ),
        (
            "Donations: 150 hh, 260 hr, overnight 1150, 280 roses",
            [(150, "half_hour"), (260, "hour"), (1150, "overnight"), (280, "session")],
        ),
        ("qv 100 overnight 800", [(100, "quick_visit"), (800, "overnight")]),
        (
            "$170/hr / $70 qv / $700 overnight",
            [(170, "hour"), (70, "quick_visit"), (700, "overnight")],
        ),
        ("Rates:\n150 hh\n250 hr", [(150, "half_hour"), (250, "hour")]),
        (
            "220 roses/hr 80 roses qv 270 roses 35 yrs",
            [(220, "hour"), (80, "quick_visit"), (270, "session")],
        ),
    ],
)
def test_prices_amount_and_unit(run: Run, text: str, expected: list[tuple[int, str]]) -> None:
    assert _values(run, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "available 24 hours",
        "available 24/7",
        "120 lbs 34-24-36 5'4\"",
        "Since 2016 Hours: 9am-11pm",
        "Las Vegas 89109",
        "age: thirty two (🌹)",
        "Updated 11/28/2025 🌹",
        "702-555-0142",
        "10am-2am",
        "",
    ],
)
def test_prices_refuses_numbers_without_a_price_mark(run: Run, text: str) -> None:
    assert run(extract_prices, text) == []


def test_prices_value_and_span(run: Run) -> None:
    [price] = run(extract_prices, "Rates: $200/hr!")
    assert (price.value, price.text, price.attr("currency")) == ("200 USD/hour", "$200/hr", "USD")
