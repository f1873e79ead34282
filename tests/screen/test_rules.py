"""Screening rules: the shipped file is valid, bad files are explained, decisions follow rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadline.model import Extraction, Finding, Reason, Risk
from threadline.screen import RULES_PATH, Facts, NetworkFacts, ReasonCode, decide, load_rules
from threadline.screen import validate_rules as check


def test_shipped_rules_are_valid() -> None:
    assert check(RULES_PATH) == []
    rules = load_rules()
    assert rules.version == "2026-11-24.1"
    assert [r.id for r in rules.rules] == [
        "juvenile",
        "watchlist",
        "juvenile-network",
        "known-network",
        "no-law-enforcement",
    ]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("version: x\nthresholds: {review: 1, block: 0}\nrules: []\n",
         ["thresholds: Value error, block threshold is below review threshold"]),
        ("version: x\nthresholds: {review: 1, block: 2}\nrules:\n"
         "  - {id: a, description: d, when: {}, decision: block}\n",
         ["rules.0.when: Value error, a rule needs at least one condition"]),
        ("version: x\nthresholds: {review: 1, block: 2}\nrules:\n"
         "  - {id: a, description: d, when: {juvenile: true}, decision: ban}\n",
         ["rules.0.decision: Input should be 'allow', 'review' or 'block'"]),
        ("version: x\nthresholds: {review: 1, block: 2}\nrules:\n"
         "  - {id: a, description: d, when: {colour: red}, decision: block}\n",
         ["rules.0.when.colour: Extra inputs are not permitted"]),
        ("version: [\n", ["cannot read: while parsing a flow node"]),
    ],
)  # fmt: skip
def test_bad_rules_files_are_explained(tmp_path: Path, text: str, problems: list[str]) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    assert check(path) == problems


NO_LAW = ("trust.no_law", "restricted.no_limits")


def _extraction(score: float, juvenile: bool = False, codes: tuple[str, ...] = ()) -> Extraction:
    findings = tuple(
        Finding(f"indicator:{c.split('.')[0]}", c, 5 * i, 5 * i + 4, "word", "t@1")
        for i, c in enumerate(codes)
    )
    reasons = tuple(Reason(c, 1.0, "word") for c in codes)
    return Extraction("x", findings, Risk(score, "low", reasons, juvenile))


@pytest.mark.parametrize(
    ("facts", "decision", "score", "rules"),
    [
        (Facts(_extraction(0.0), NetworkFacts(), ()), "allow", 0.0, ()),
        (Facts(_extraction(3.0), NetworkFacts(), ()), "review", 3.0, ()),
        (Facts(_extraction(8.5), NetworkFacts(), ()), "block", 8.5, ()),
        (Facts(_extraction(1.0, juvenile=True), NetworkFacts(), ()), "block", 1.0, ("juvenile",)),
        (Facts(_extraction(0.0), NetworkFacts(), ("phone",)), "review", 2.0, ("watchlist",)),
        (Facts(_extraction(0.0), NetworkFacts(1, 2, True, 9.0), ()), "block", 3.0,
         ("juvenile-network",)),
        (Facts(_extraction(0.0), NetworkFacts(1, 5, False, 1.0), ()), "review", 1.0,
         ("known-network",)),
        (Facts(_extraction(2.5, codes=NO_LAW), NetworkFacts(), ()), "review", 3.5,
         ("no-law-enforcement",)),
    ],
)  # fmt: skip
def test_decisions_follow_the_rules(
    facts: Facts, decision: str, score: float, rules: tuple[str, ...]
) -> None:
    verdict = decide(facts, load_rules())
    assert (verdict.decision, verdict.score, verdict.rules) == (decision, score, rules)


def test_reasons_are_codes_with_their_spans_then_rules() -> None:
    findings = (
        Finding("indicator:youth", "youth.fresh", 0, 5, "Fresh", "t@1"),
        Finding("phone", "+17025550142", 6, 18, "702-555-0142", "t@1"),
        Finding("indicator:youth", "youth.fresh", 20, 25, "fresh", "t@1"),
    )
    extraction = Extraction("x", findings, Risk(2.0, "low", (), True))
    verdict = decide(Facts(extraction, NetworkFacts(), ()), load_rules())
    assert verdict.reasons == (
        ReasonCode("youth.fresh", ((0, 5), (20, 25))),
        ReasonCode("rule:juvenile"),
    )
