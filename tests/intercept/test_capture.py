"""Capture of what buyers volunteer, with the span that proves it."""

from __future__ import annotations

import pytest

from threadline.intercept import capture

KINDS = ("name", "zip", "place", "employer", "email", "phone")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my name is Sam", [("name", "Sam", "Sam")]),
        ("this is Mike Jones", [("name", "Mike Jones", "Mike Jones")]),
        ("me llamo Luis", [("name", "Luis", "Luis")]),
        ("I'm fine thanks", []),
        ("i'm in Reno tonight", [("place", "Reno", "Reno")]),
        ("from Las Vegas area", [("place", "Las Vegas", "Las Vegas")]),
        ("estoy en Phoenix", [("place", "Phoenix", "Phoenix")]),
        ("zip 89501", [("zip", "89501 Reno, NV", "89501")]),
        ("zip 00000", []),
        ("I work at Acme Logistics.", [("employer", "Acme Logistics", "Acme Logistics.")]),
        ("trabajo en Panadería Sol", [("employer", "Panadería Sol", "Panadería Sol")]),
        ("mail me at Sam.J@Example.org", [("email", "sam.j@example.org", "Sam.J@Example.org")]),
        ("my cell is 702-555-0143", [("phone", "+17025550143", "702-555-0143")]),
        ("", []),
    ],
)
def test_capture_finds_exact_values_and_spans(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    found = capture(text, KINDS)
    assert [(f.kind, f.value, f.text) for f in found] == expected
    assert all(text[f.start : f.end] == f.text for f in found)


def test_capture_only_the_kinds_the_script_asks_for() -> None:
    assert [f.kind for f in capture("my name is Sam, zip 89501", ("zip",))] == ["zip"]


def test_capture_scans_only_the_first_2000_characters() -> None:
    assert capture("x" * 2000 + " my name is Sam", KINDS) == ()
