"""Indicators from the lexicon, and the lexicon files themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.extract.conftest import Run
from threadline.extract import LEXICON_PATHS, validate_lexicon
from threadline.extract.indicators import extract_indicators
from threadline.extract.lexicon import load_lexicon

# docs/truth.md: every phrase the synthetic corpus plants, by code.
PLANTED = {
    "youth.young": ("young", "barely legal", "jovencita"),
    "youth.fresh": ("fresh", "new to this", "nueva en esto"),
    "youth.innocent": ("innocent", "sweet and innocent", "inocente"),
    "youth.student": ("college girl", "student", "estudiante"),
    "control.girls": ("my girls", "our girls", "new girls every week", "mis chicas"),
    "control.always_available": ("available 24/7", "24 hours", "disponible 24 horas"),
    "trust.no_law": (
        "no law enforcement",
        "no cops",
        "not affiliated with law enforcement",
        "no policía",
    ),
    "trust.screening": ("screening required", "references required", "must verify"),
    "trust.discreet": ("discreet", "100% real", "discreta"),
    "restricted.no_limits": ("no limits", "anything goes", "sin límites"),
    "movement.new_in_town": ("new in town", "just arrived", "recién llegada"),
    "movement.leaving_soon": ("leaving soon", "last days in town", "últimos días"),
    "ethnicity.stated": ("asian", "latina", "ebony", "russian", "thai", "colombiana"),
    "emoji.cherry": ("🍒",),
    "emoji.growing_heart": ("💗",),
    "emoji.crown": ("👑",),
    "emoji.rose": ("🌹",),
    "emoji.airplane": ("✈️",),
    "emoji.lollipop": ("🍭",),
}
CASES = [(code, phrase) for code, phrases in PLANTED.items() for phrase in phrases]


@pytest.mark.parametrize(("code", "phrase"), CASES)
def test_indicators_catch_every_planted_phrase(run: Run, code: str, phrase: str) -> None:
    text = f"Hi there ~ {phrase.upper() if phrase.isascii() else phrase}!! call me"
    assert [f.value for f in run(extract_indicators, text)] == [code]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("NO POLICIA", "trust.no_law"),  # accent left out
        ("sin limites", "restricted.no_limits"),
        ("ultimos dias", "movement.leaving_soon"),
        ("no  cops", "trust.no_law"),  # two spaces
        ("no-cops", "trust.no_law"),
        ("yоung", "youth.young"),  # Cyrillic о
        ("200🌹", "emoji.rose"),
        ("✈", "emoji.airplane"),  # without the variation selector
    ],
)
def test_indicators_match_loosely_written_phrases(run: Run, text: str, code: str) -> None:
    assert [f.value for f in run(extract_indicators, text)] == [code]


@pytest.mark.parametrize(
    "text",
    ["youngster", "freshly baked", "students", "asiana", "First time callers welcome", ""],
)
def test_indicators_match_whole_words_only(run: Run, text: str) -> None:
    assert run(extract_indicators, text) == []


def test_indicator_finding_names_category_and_weight(run: Run) -> None:
    [finding] = run(extract_indicators, "so Fresh")
    assert (finding.kind, finding.value, finding.text) == (
        "indicator:youth",
        "youth.fresh",
        "Fresh",
    )
    assert (finding.attr("category"), finding.attr("weight")) == ("youth", "2")


@pytest.mark.parametrize("path", LEXICON_PATHS, ids=lambda p: p.name)
def test_shipped_lexicons_are_valid(path: Path) -> None:
    assert validate_lexicon(path) == []


def test_movement_weighs_nothing_or_less() -> None:
    lexicon = load_lexicon(LEXICON_PATHS[0])
    movement = [i.weight for i in lexicon.indicators if i.category == "movement"]
    assert movement
    assert all(weight <= 0 for weight in movement)


def test_validate_lexicon_names_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\nname: bad\nsources: {a: x}\nrisk: {medium: 5, high: 2}\n"
        "juvenile: {min_youth_codes: 2, youth_emoji: [emoji.none]}\n"
        "indicators:\n"
        "  - {code: youth.a, category: youth, weight: 1, evidence: a, description: d, en: [x]}\n"
        "  - {code: youth.a, category: youth, weight: 1, evidence: b, description: d, en: [x]}\n",
        encoding="utf-8",
    )
    [problem] = validate_lexicon(path)
    for part in ("duplicate code youth.a", "unknown evidence source 'b'", "emoji.none"):
        assert part in problem
    assert "risk.medium must be below risk.high" in problem


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("version: [", "not YAML"),
        ("version: 1\n", "Field required"),
        (
            "version: 1\nname: x\nsources: {a: x}\nrisk: {medium: 1, high: 2}\n"
            "juvenile: {min_youth_codes: 2}\nindicators:\n"
            "  - {code: youth.a, category: trust, weight: 1, evidence: a, description: d,"
            " en: [x]}\n",
            "code must start with its category",
        ),
        (
            "version: 1\nname: x\nsources: {a: x}\nrisk: {medium: 1, high: 2}\n"
            "juvenile: {min_youth_codes: 2}\nindicators:\n"
            "  - {code: youth.a, category: youth, weight: 1, evidence: a, description: d}\n",
            "give phrases, or computed: true",
        ),
    ],
)
def test_validate_lexicon_reports_bad_files(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    problems = validate_lexicon(path)
    assert problems
    assert fragment in " ".join(problems)


def test_validate_lexicon_reports_a_missing_file(tmp_path: Path) -> None:
    [problem] = validate_lexicon(tmp_path / "none.yaml")
    assert "cannot read" in problem
