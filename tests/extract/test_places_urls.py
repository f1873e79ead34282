"""Places from the gazetteer, and web addresses."""

from __future__ import annotations

import pytest

from tests.extract.conftest import Run
from threadline.extract.places import extract_places
from threadline.extract.urls import extract_urls


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Incall in Las Vegas 89109", ["Las Vegas, NV"]),
        ("Las Vegas, NV", ["Las Vegas, NV"]),
        ("New York tonight", ["New York City, NY"]),
        ("Portland, ME only", ["Portland, ME"]),
        ("Portland this week", ["Portland, OR"]),
        ("Salt Lake City 84101", ["Salt Lake City, UT"]),
        ("Houston and Dallas", ["Houston, TX", "Dallas, TX"]),
        ("Columbus, Georgia", ["Columbus, GA"]),
    ],
)
def test_places_city_and_state(run: Run, text: str, expected: list[str]) -> None:
    assert [f.value for f in run(extract_places, text)] == expected


@pytest.mark.parametrize(
    "text",
    ["Mobile friendly", "Hope you come", "Sweet Home", "i love houston music", ""],
)
def test_places_refuses_common_words(run: Run, text: str) -> None:
    assert run(extract_places, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see https://Nightlist.example/lv/ana-123. ok", ["https://nightlist.example/lv/ana-123"]),
        ("www.foo.com", ["https://www.foo.com"]),
        ("instagram.com/Ana", ["https://instagram.com/Ana"]),
        ("x.com/ana!", ["https://x.com/ana"]),
        (
            "http://a.example/x and www.b.example/y",
            ["http://a.example/x", "https://www.b.example/y"],
        ),
        ("ana@gmail.com", []),
        ("a.b", []),
        ("", []),
    ],
)
def test_urls(run: Run, text: str, expected: list[str]) -> None:
    assert [f.value for f in run(extract_urls, text)] == expected
