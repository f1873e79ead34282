"""Risk as a sum of named, weighted indicators, and the separate juvenile flag.

Each indicator code counts once per ad with its lexicon weight; the level comes from the
lexicon's thresholds. The juvenile flag is raised by a stated age under 18, by an indicator
marked `juvenile: true` (terms that point at a minor outright), or by language alone when
at least `min_youth_codes` distinct youth codes appear together with a youth emoji code
(cherry, lollipop): several independent youth signals in one ad, none of which is enough
alone. Both are leads for a human reviewer.
"""

from __future__ import annotations

from collections.abc import Iterable

from threadline.extract.lexicon import CompiledLexicon, compiled_lexicon
from threadline.model import Finding, Reason, Risk

__all__ = ["assess", "level_for"]


def assess(findings: Iterable[Finding], lexicon: CompiledLexicon | None = None) -> Risk:
    """The risk of one ad from its indicator findings."""
    lexicon = lexicon or compiled_lexicon()
    reasons = _reasons(findings, lexicon)
    score = round(sum(reason.weight for reason in reasons), 3)
    juvenile = _juvenile_reasons(reasons, lexicon)
    return Risk(
        score=score,
        level=level_for(score, lexicon),
        reasons=reasons,
        juvenile=bool(juvenile),
        juvenile_reasons=juvenile,
    )


def level_for(score: float, lexicon: CompiledLexicon) -> str:
    """`low`, `medium` or `high` by the lexicon's thresholds."""
    if score >= lexicon.risk.high:
        return "high"
    if score >= lexicon.risk.medium:
        return "medium"
    return "low"


def _reasons(findings: Iterable[Finding], lexicon: CompiledLexicon) -> tuple[Reason, ...]:
    """One reason per distinct indicator code, with the first text that showed it."""
    seen: dict[str, Reason] = {}
    for finding in findings:
        if not finding.kind.startswith("indicator:") or finding.value in seen:
            continue
        indicator = lexicon.indicators.get(finding.value)
        if indicator is not None:
            seen[finding.value] = Reason(finding.value, indicator.weight, finding.text)
    return tuple(seen.values())


def _juvenile_reasons(reasons: tuple[Reason, ...], lexicon: CompiledLexicon) -> tuple[Reason, ...]:
    """The reasons that flag a possible minor, empty when none does."""
    flagged = [r for r in reasons if lexicon.indicators[r.code].juvenile]
    youth = [r for r in reasons if lexicon.indicators[r.code].category == "youth"]
    emoji = [r for r in reasons if r.code in lexicon.juvenile.youth_emoji]
    combined = len(youth) >= lexicon.juvenile.min_youth_codes and emoji
    if combined and not flagged:
        codes = "+".join(r.code for r in (*youth, *emoji))
        flagged.append(Reason("juvenile.youth_language", 0.0, codes))
    return tuple(flagged)
