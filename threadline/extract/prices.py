"""Prices and rates with their unit (`$200/hr`, `qv 100`, `150 roses`, `200🌹 hh`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from threadline.extract._base import make_finding
from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["SOURCE", "UNITS", "extract_prices"]

SOURCE = "prices@1"
UNITS = ("hour", "half_hour", "quick_visit", "overnight", "session")
_MIN_BARE = 40  # without a currency mark, smaller numbers are hours, ages and counts
_MIN_AMOUNT = 20
_MAX_AMOUNT = 10_000

_UNIT_WORDS = (
    ("half_hour", r"half\s+(?:an\s+)?hour|1/2\s*(?:hr|hour|h)|hh|media\s+hora|30\s*min(?:ute)?s?"),
    ("quick_visit", r"quick\s*visits?|qv|quickie|qk|15\s*min(?:ute)?s?"),
    ("overnight", r"overnight|ovn|o/n|all\s+night|toda\s+la\s+noche"),
    ("session", r"(?:per\s+)?session|donations?"),
    ("hour", r"(?:per\s+|an\s+|1\s*)?(?:hour|hr)s?|hora|60\s*min(?:ute)?s?"),
)
_CURRENCY_WORDS = r"\$|usd|dollars?|bucks|roses?|rosas|🌹"
_TOKEN = re.compile(
    r"(?i)(?P<amount>(?<![\w.,/-])(?:\d{1,3}(?:,\d{3})+|\d{2,5})(?![\d]|[.,]\d))"
    r"|(?<![A-Za-z])(?P<unit>"
    + "|".join(f"(?P<u_{name}>{words})" for name, words in _UNIT_WORDS)
    + r")(?![A-Za-z]|\s*:)"
    + rf"|(?P<currency>{_CURRENCY_WORDS})"
)
# What may stand between an amount and the unit or currency mark after it, on one line.
_GAP = re.compile(r"(?i)[ \t/|,:;*~•-]{0,4}(?:(?:for|a|an|the|x)[ \t]+){0,2}[ \t/|,:;*~•-]{0,3}")
# An amount right after an age label is the age ("age: 32 🌹").
_AGE_BEFORE = re.compile(r"(?i)\b(?:age|aged|edad|i'?m|i am)\W{0,3}$")
# Between a unit written first and its amount ("qv 100", "overnight 800"): spaces only.
_LEFT_GAP = re.compile(r"[ \t]{0,3}")
_MARKS_BEFORE = frozenset({"$", "usd"})


@dataclass(slots=True)
class _Token:
    kind: str  # amount | unit | currency
    start: int
    end: int
    value: str
    used: bool = False


def extract_prices(text: NormalizedText, region: str = "US") -> list[Finding]:
    """Prices with amount, unit and currency; value `200 USD/hour`."""
    tokens = _tokens(text.text)
    findings: list[Finding] = []
    for k, token in enumerate(tokens):
        if token.kind == "amount" and not _after_age(text.text, token.start):
            finding = _price(text, tokens, k)
            if finding is not None:
                findings.append(finding)
    return findings


def _tokens(text: str) -> list[_Token]:
    """Amounts, unit words and currency marks in order."""
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or ""
        if kind == "unit":
            tokens.append(_Token("unit", match.start(), match.end(), _unit_name(match)))
        else:
            tokens.append(_Token(kind, match.start(), match.end(), match.group()))
    return tokens


def _after_age(text: str, start: int) -> bool:
    return _AGE_BEFORE.search(text, max(0, start - 12), start) is not None


def _unit_name(match: re.Match[str]) -> str:
    """The unit whose word matched."""
    return next(name for name, _ in _UNIT_WORDS if match.group(f"u_{name}") is not None)


def _adjacent(text: str, left: _Token, right: _Token) -> bool:
    """Whether only separators and filler words stand between two tokens."""
    gap = _LEFT_GAP if left.kind == "unit" and right.kind == "amount" else _GAP
    return gap.fullmatch(text, left.end, right.start) is not None


def _neighbour(text: str, tokens: list[_Token], k: int, step: int, kind: str) -> int | None:
    """The index of the adjacent token of a kind beside token k, skipping one currency mark."""
    j = k + step
    while 0 <= j < len(tokens):
        pair = (tokens[j - step], tokens[j]) if step > 0 else (tokens[j], tokens[j - step])
        if not _adjacent(text, *pair):
            return None
        if tokens[j].kind == kind:
            return j
        if tokens[j].kind != "currency" or abs(j - k) > 1:
            return None
        j += step
    return None


def _price(text: NormalizedText, tokens: list[_Token], k: int) -> Finding | None:
    """The price of amount token k, or None when nothing marks it as a price."""
    amount = int(tokens[k].value.replace(",", ""))
    before = _neighbour(text.text, tokens, k, -1, "currency")
    if before is not None and tokens[before].value.lower() not in _MARKS_BEFORE:
        before = None  # "roses" and 🌹 mark the amount before them, not after
    after = _neighbour(text.text, tokens, k, 1, "currency")
    unit_at = _unit_for(text.text, tokens, k)
    marked = before is not None or after is not None
    if not _plausible(amount, marked, unit_at is not None):
        return None
    unit = tokens[unit_at].value if unit_at is not None else "session"
    if unit_at is not None:
        tokens[unit_at].used = True
    indexes = [i for i in (k, before, after, unit_at) if i is not None]
    span = (min(tokens[i].start for i in indexes), max(tokens[i].end for i in indexes))
    attrs = (("amount", str(amount)), ("unit", unit), ("currency", "USD"))
    return make_finding(text, "price", f"{amount} USD/{unit}", span, SOURCE, attrs)


def _unit_for(text: str, tokens: list[_Token], k: int) -> int | None:
    """The unit of amount k: an unused unit just before it, else the unit just after it."""
    left = _neighbour(text, tokens, k, -1, "unit")
    if left is not None and not tokens[left].used:
        return left
    right = _neighbour(text, tokens, k, 1, "unit")
    if right is not None and not tokens[right].used:
        return right
    return None


def _plausible(amount: int, marked: bool, has_unit: bool) -> bool:
    """Whether an amount with these marks reads as a price."""
    if not marked and not has_unit:
        return False
    low = _MIN_AMOUNT if marked else _MIN_BARE
    return low <= amount <= _MAX_AMOUNT
