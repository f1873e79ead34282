"""From an ad's extraction, its links to known networks and watchlist hits to a decision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from threadline.model import Extraction
from threadline.screen._rules import DECISIONS, Condition, DecisionName, RuleSet


@dataclass(frozen=True, slots=True)
class NetworkFacts:
    """What the stored networks say about the ad's identifiers."""

    networks: int = 0
    max_size: int = 0
    juvenile: bool = False
    risk_max: float = 0.0


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything a rule may look at."""

    extraction: Extraction
    network: NetworkFacts
    watch_kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReasonCode:
    """An indicator code or a rule, with the spans of the ad's text that showed it."""

    code: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision, its score, the reasons, and the rules version that decided."""

    decision: DecisionName
    score: float
    reasons: tuple[ReasonCode, ...]
    rules: tuple[str, ...]
    watch_kinds: tuple[str, ...]
    rules_version: str
    juvenile: bool


def decide(facts: Facts, rules: RuleSet) -> Verdict:
    """Apply the rules: score = risk + matched rules' `add`; decision = highest floor."""
    matched = [rule for rule in rules.rules if matches(rule.when, facts)]
    score = round(facts.extraction.risk.score + sum(rule.add for rule in matched), 3)
    floors = [rule.decision for rule in matched] + [_by_score(score, rules)]
    reasons = indicator_reasons(facts.extraction) + tuple(
        ReasonCode(f"rule:{rule.id}") for rule in matched
    )
    return Verdict(
        decision=max(floors, key=DECISIONS.index),
        score=score,
        reasons=reasons,
        rules=tuple(rule.id for rule in matched),
        watch_kinds=facts.watch_kinds,
        rules_version=rules.version,
        juvenile=facts.extraction.risk.juvenile,
    )


def indicator_reasons(extraction: Extraction) -> tuple[ReasonCode, ...]:
    """Each indicator code once, in order of first appearance, with all its spans."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for finding in extraction.findings:
        if finding.kind.startswith("indicator:"):
            spans.setdefault(finding.value, []).append((finding.start, finding.end))
    return tuple(ReasonCode(code, tuple(dict.fromkeys(found))) for code, found in spans.items())


def matches(condition: Condition, facts: Facts) -> bool:
    """True when every condition the rule states holds for the facts."""
    return all(check(condition, facts) for check in _CHECKS)


def _codes(facts: Facts) -> set[str]:
    return {f.value for f in facts.extraction.findings if f.kind.startswith("indicator:")}


def _categories(facts: Facts) -> set[str]:
    return {
        f.kind.partition(":")[2]
        for f in facts.extraction.findings
        if f.kind.startswith("indicator:")
    }


def _flag(wanted: bool | None, actual: bool) -> bool:
    return wanted is None or wanted == actual


def _at_least(floor: float | None, actual: float) -> bool:
    return floor is None or actual >= floor


_CHECKS: tuple[Callable[[Condition, Facts], bool], ...] = (
    lambda c, f: _flag(c.juvenile, f.extraction.risk.juvenile),
    lambda c, f: _flag(c.watchlist_hit, bool(f.watch_kinds)),
    lambda c, f: not c.watchlist_kinds_any or bool(set(c.watchlist_kinds_any) & set(f.watch_kinds)),
    lambda c, f: not c.codes_any or bool(set(c.codes_any) & _codes(f)),
    lambda c, f: set(c.codes_all) <= _codes(f),
    lambda c, f: not c.categories_any or bool(set(c.categories_any) & _categories(f)),
    lambda c, f: _at_least(c.score_at_least, f.extraction.risk.score),
    lambda c, f: _flag(c.network_juvenile, f.network.juvenile),
    lambda c, f: _at_least(c.network_size_at_least, f.network.max_size),
)


def _by_score(score: float, rules: RuleSet) -> DecisionName:
    if score >= rules.thresholds.block:
        return "block"
    if score >= rules.thresholds.review:
        return "review"
    return "allow"
