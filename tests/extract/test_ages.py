"""Stated ages, kept apart from every other number."""

from __future__ import annotations

import pytest

from tests.extract.conftest import Run
from threadline.extract.ages import extract_ages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19 yrs", ["19"]),
        ("22 yrs old", ["22"]),
        ("23 years old", ["23"]),
        ("24 year old", ["24"]),
        ("19yo", ["19"]),
        ("19 y/o", ["19"]),
        ("age: twenty", ["20"]),
        ("age: twenty one", ["21"]),
        ("age: thirty five", ["35"]),
        ("age: sixteen", ["16"]),
        ("Age: 17", ["17"]),
        ("i'm 18", ["18"]),
        ("I'm 18", ["18"]),
        ("im 25", ["25"]),
        ("i am 21", ["21"]),
        ("edad 19", ["19"]),
        ("edad: veinte", ["20"]),
        ("tengo 19 años", ["19"]),
        ("age 32 5'2\" 110 lbs", ["32"]),
        ("age: thirty Hours: 8pm-6am", ["30"]),
        ("~ i'm 25\nIn & out calls", ["25"]),
        ("age 21+", ["21"]),
        ("Me: 22 yrs, 5'4\"", ["22"]),
    ],
)
def test_ages_stated_forms(run: Run, text: str, expected: list[str]) -> None:
    assert [f.value for f in run(extract_ages, text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm 24/7",
        "available 24 hours",
        "i'm 5'4\"",
        "i'm 30 mins away",
        "$200/hr",
        "120 lbs",
        "34-24-36",
        "Since 2019",
        "in 15 minutes",
        "i'm 100% real",
        "age 7",  # outside the plausible range
        "",
    ],
)
def test_ages_refuses_other_numbers(run: Run, text: str) -> None:
    assert run(extract_ages, text) == []
