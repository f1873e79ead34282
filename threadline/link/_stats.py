"""Concentration of ads over phones, volume per city per week, and the words and emoji used."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from threadline.link._mask import normalize
from threadline.model import AdEvidence

TOP_PHONES = (10, 100, 1000)
LORENZ_POINTS = 101
_WORD = re.compile(r"[^\W\d_]{2,}")
# Function words in English and Spanish: frequent in every ad, telling nothing.
_STOPWORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "have",
        "i",
        "i'm",
        "im",
        "in",
        "is",
        "it",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "this",
        "to",
        "u",
        "ur",
        "w",
        "we",
        "with",
        "you",
        "your",
        "yo",
        "soy",
        "la",
        "el",
        "los",
        "las",
        "de",
        "del",
        "en",
        "y",
        "o",
        "un",
        "una",
        "con",
        "para",
        "por",
        "que",
        "es",
        "mi",
        "tu",
    )
)


@dataclass(frozen=True, slots=True)
class Concentration:
    """How concentrated ads are over phone numbers."""

    ads: int
    phones: int
    top_share: tuple[tuple[int, float], ...]  # (N, share of all ads naming a top-N phone)
    gini: float
    lorenz: tuple[tuple[float, float], ...]  # (share of phones, share of phone-ad pairs)


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """Concentration and language statistics of a corpus."""

    concentration: Concentration
    volume: tuple[tuple[str, str, int], ...]  # (city, ISO week "2026-W07", ads)
    terms: tuple[tuple[str, int], ...]  # (term, ads that use it)
    emoji: tuple[tuple[str, int], ...]  # (emoji, ads that use it)

    def to_json(self) -> dict[str, Any]:
        """The statistics as one JSON object."""
        c = self.concentration
        return {
            "ads": c.ads,
            "phones": c.phones,
            "top_phone_share": {str(n): share for n, share in c.top_share},
            "gini": c.gini,
            "lorenz": [list(point) for point in c.lorenz],
            "volume": [{"city": x, "week": w, "ads": n} for x, w, n in self.volume],
            "terms": [{"term": t, "ads": n} for t, n in self.terms],
            "emoji": [{"emoji": e, "ads": n} for e, n in self.emoji],
        }

    def rows(self) -> list[tuple[str, str, str, str]]:
        """Long-format rows (section, key, subkey, value) for CSV."""
        c = self.concentration
        rows = [("corpus", "ads", "", str(c.ads)), ("corpus", "phones", "", str(c.phones))]
        rows += [("top_phone_share", str(n), "", f"{s:.6f}") for n, s in c.top_share]
        rows.append(("gini", "", "", f"{c.gini:.6f}"))
        rows += [("lorenz", f"{x:.6f}", "", f"{y:.6f}") for x, y in c.lorenz]
        rows += [("volume", city, week, str(n)) for city, week, n in self.volume]
        rows += [("term", t, "", str(n)) for t, n in self.terms]
        rows += [("emoji", e, "", str(n)) for e, n in self.emoji]
        return rows

    def to_csv(self) -> str:
        """The long-format rows as CSV text with a header."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("section", "key", "subkey", "value"))
        writer.writerows(self.rows())
        return out.getvalue()


def gini(counts: Sequence[int]) -> float:
    """The Gini coefficient of non-negative counts (0: all equal; near 1: one has all)."""
    values = sorted(counts)
    total = sum(values)
    if not values or total == 0:
        return 0.0
    n = len(values)
    weighted = sum(rank * value for rank, value in enumerate(values, start=1))
    return 2 * weighted / (n * total) - (n + 1) / n


def lorenz(counts: Sequence[int], points: int = LORENZ_POINTS) -> tuple[tuple[float, float], ...]:
    """The Lorenz curve at up to `points` evenly spaced shares of the population."""
    values = sorted(counts)
    total = sum(values)
    if not values or total == 0:
        return ((0.0, 0.0), (1.0, 1.0))
    cumulative = [0]
    for value in values:
        cumulative.append(cumulative[-1] + value)
    n = len(values)
    steps = sorted(
        {round(i * n / (points - 1)) for i in range(points)} if n >= points else range(n + 1)
    )
    return tuple((k / n, cumulative[k] / total) for k in steps)


def concentration(
    evidence: Iterable[AdEvidence], exclude: Collection[str] = (), top: Sequence[int] = TOP_PHONES
) -> Concentration:
    """Share of ads covered by the top phones, Gini and Lorenz over ads per phone."""
    ads_of: defaultdict[str, set[int]] = defaultdict(set)
    count = 0
    for number, item in enumerate(evidence):
        count += 1
        for kind, value in item.identifiers:
            if kind == "phone" and value not in exclude:
                ads_of[value].add(number)
    ranked = sorted(ads_of, key=lambda phone: (-len(ads_of[phone]), phone))
    sizes = [len(ads_of[phone]) for phone in ranked]
    return Concentration(
        ads=count,
        phones=len(ranked),
        top_share=tuple((n, _covered(ads_of, ranked[:n]) / count if count else 0.0) for n in top),
        gini=gini(sizes),
        lorenz=lorenz(sizes),
    )


def _covered(ads_of: dict[str, set[int]], phones: Sequence[str]) -> int:
    covered: set[int] = set()
    for phone in phones:
        covered |= ads_of[phone]
    return len(covered)


def is_emoji(char: str) -> bool:
    """Pictographic symbols (emoji and dingbats), not letters, digits or punctuation."""
    return unicodedata.category(char) == "So"


def language(
    evidence: Iterable[AdEvidence], top: int = 50
) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """The most frequent terms and emoji, each counted once per ad that uses it."""
    terms, emoji = term_counts(evidence)
    return _top(terms, top), _top(emoji, top)


def term_counts(evidence: Iterable[AdEvidence]) -> tuple[Counter[str], Counter[str]]:
    """Every term and emoji with the number of ads using it (stop words left out)."""
    terms: Counter[str] = Counter()
    emoji: Counter[str] = Counter()
    for item in evidence:
        raw = unicodedata.normalize("NFC", item.text)
        text = normalize(item.text)
        terms.update({w for w in _WORD.findall(text) if w not in _STOPWORDS})
        emoji.update({ch for ch in raw if is_emoji(ch)})
    return terms, emoji


def _top(counts: Counter[str], top: int) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top])


def weekly_volume(evidence: Iterable[AdEvidence]) -> tuple[tuple[str, str, int], ...]:
    """Ads per city per ISO week, by city then week (ads without city or date skipped)."""
    counts: Counter[tuple[str, str]] = Counter()
    for item in evidence:
        if item.city and item.posted_at:
            year, week, _ = item.posted_at.isocalendar()
            counts[item.city, f"{year}-W{week:02d}"] += 1
    return tuple((city, week, n) for (city, week), n in sorted(counts.items()))


def corpus_stats(
    evidence: Sequence[AdEvidence], exclude: Collection[str] = (), top: int = 50
) -> CorpusStats:
    """Concentration (set-aside phones in `exclude` left out), weekly volume, terms, emoji."""
    terms, emoji = language(evidence, top)
    return CorpusStats(concentration(evidence, exclude), weekly_volume(evidence), terms, emoji)


def console_lines(stats: CorpusStats) -> list[str]:
    """A plain-text report for a terminal."""
    c = stats.concentration
    lines = [f"ads {c.ads}, distinct phones {c.phones}, Gini {c.gini:.3f}"]
    lines += [f"  top {n:>5} phones cover {share:6.1%} of ads" for n, share in c.top_share]
    lines.append("most used terms (ads):")
    lines += [f"  {term:<20} {n}" for term, n in stats.terms[:20]]
    lines.append("most used emoji (ads):")
    lines += [f"  {e}  {n}" for e, n in stats.emoji[:20]]
    weeks = Counter[str]()
    for city, _, n in stats.volume:
        weeks[city] += n
    lines.append("busiest cities (ads):")
    lines += [f"  {city:<20} {n}" for city, n in weeks.most_common(10)]
    return lines
