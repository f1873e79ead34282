"""Any text at all: findings or none, never an exception, in bounded time, honest spans."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadline.extract import extract_text

ALPHABET = st.sampled_from(
    [
        *list("0123456789 -.()#/\n@:$OoIlS"),
        "seven",
        "oh",
        "zero",
        "five",
        "cinco",
        "at",
        "dot",
        "gmail",
        "com",
        "IG",
        "snap",
        "①",
        "７",
        "𝟓",
        "7️⃣",
        "\u200b",
        "О",
        "🌹",
        "🍒",
        "é",
        "Ã©",
        "hr",
        "qv",
        "yrs",
        "age",
    ]
)


def _check(text: str) -> None:
    for finding in extract_text(text):
        assert text[finding.start : finding.end] == finding.text
        assert 0 <= finding.start <= finding.end <= len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_unicode_text_gives_findings_with_honest_spans(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_ad_like_fragments_give_findings_with_honest_spans(text: str) -> None:
    _check(text)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "7" * 10_000,
        "7 " * 10_000,
        "🍒" * 50_000,
        "7️⃣" * 20_000,
        "seven " * 20_000,
        "a" * 1_000_000,
        "ab.cd@" * 50_000,
        "(" * 100_000,
        "Aa " * 300_000,
        "x.com/" * 100_000,
        ("Rates: $200/hr qv 100 🌹 call 702-555-0142 IG: ana " * 20_000)[:1_000_000],
    ],
    ids=lambda t: f"{t[:12]!r}x{len(t)}",
)
def test_hostile_input_in_bounded_time(text: str) -> None:
    started = time.process_time()  # CPU time: the machine may be shared
    _check(text)
    assert time.process_time() - started < 30
