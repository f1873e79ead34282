"""Risk: a sum of named, weighted indicators; the juvenile flag and its reasons."""

from __future__ import annotations

import pytest

from threadline.extract import extract_text
from threadline.extract.risk import assess


def _risk(text: str) -> tuple[float, str, list[str], bool, list[str]]:
    risk = assess(extract_text(text))
    return (
        risk.score,
        risk.level,
        [r.code for r in risk.reasons],
        risk.juvenile,
        [r.code for r in risk.juvenile_reasons],
    )


@pytest.mark.parametrize(
    ("text", "score", "level", "codes"),
    [
        ("Lovely lady, call 702-555-0142", 0.0, "low", []),
        ("new in town, call 702-555-0142", -0.5, "low", ["movement.new_in_town"]),
        ("discreet, call 702-555-0142", 1.5, "low", ["trust.discreet"]),
        ("discreet, discreet, 100% real", 1.5, "low", ["trust.discreet"]),  # a code counts once
        ("asian, no cops", 2.5, "medium", ["ethnicity.stated", "trust.no_law"]),
        (
            "fresh asian, no cops, call seven oh two five five five zero one four two",
            6.0,
            "high",
            ["youth.fresh", "ethnicity.stated", "trust.no_law", "obscured.phone"],
        ),
        ("+1 702 555 0142", 0.0, "low", []),  # international is not obscured
    ],
)
def test_risk_is_the_sum_of_named_weights(
    text: str, score: float, level: str, codes: list[str]
) -> None:
    assert _risk(text)[:3] == (score, level, codes)


@pytest.mark.parametrize(
    ("text", "juvenile", "reasons"),
    [
        ("i'm 17, call 702-555-0142", True, ["age.under_18"]),
        ("age: sixteen", True, ["age.under_18"]),
        ("i'm 18", False, []),
        ("still in high school", True, ["youth.minor"]),
        ("young fresh innocent 🍭", True, ["juvenile.youth_language"]),
        ("young fresh 🍭", False, []),  # two youth codes are not enough
        ("young fresh innocent", False, []),  # nor three without a youth emoji
    ],
)
def test_juvenile_flag_and_reasons(text: str, juvenile: bool, reasons: list[str]) -> None:
    assert _risk(text)[3:] == (juvenile, reasons)


def test_age_under_18_is_high_on_its_own() -> None:
    score, level, codes, *_ = _risk("age 16")
    assert (level, codes) == ("high", ["age.under_18"])
    assert score >= 4
