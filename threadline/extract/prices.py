"""Prices and rates with their unit (`$200/hr`, `qv 100`, `150 roses`, `200🌹 hh`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from threadline.extract._base import make_finding
from threadline.extract._trie import trie_pattern
from threadline.extract._wordscan import word_matches, word_pattern
from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["SOURCE", "UNITS", "extract_prices"]

SOURCE = "prices@1"
UNITS = ("hour", "half_hour", "quick_visit", "overnight", "session")
_MIN_BARE = 40  # without a currency mark, smaller numbers are hours, ages and counts
_MIN_AMOUNT = 20
_MAX_AMOUNT = 10_000


def _word_end(last: str) -> str:
    """Unit words end at a word boundary (`hr` is not the start of `hrly`)."""
    return r"(?![a-z])" if last.isalnum() else ""


_UNIT_WORDS = {
    "half_hour": "half hour, half an hour, 1/2 hr, 1/2 hour, 1/2hr, 1/2 h, hh, media hora",
    "quick_visit": "quick visit, quick visits, quickvisit, qv, quickie, qk",
    "overnight": "overnight, ovn, o/n, all night, toda la noche",
    "session": "session, per session, donation, donations",
    "hour": "hour, hours, hr, hrs, per hour, an hour, 1hr, 1 hr, 1 hour, hora",
}
_UNITS_BY_WORD = {
    word.strip(): unit for unit, words in _UNIT_WORDS.items() for word in words.split(",")
}
_CURRENCIES = ("$", "usd", "dollar", "dollars", "bucks", "rose", "roses", "rosas", "🌹")
_MARKS_BEFORE = frozenset({"$", "usd"})
# Amounts start with a digit so `re` can skip to digits; the lookbehind refuses 5'2, 1/2, 3.5.
_AMOUNT = re.compile(
    r"[0-9](?<![\w.,/-][0-9])(?:[0-9]{0,2}(?:,[0-9]{3})+|[0-9]{1,4})(?![0-9]|[.,][0-9])"
)
# Unit words and currency words with the character before them, in the shared pass over the
# words of the lower-cased text (`_wordscan`); `$` and 🌹 anywhere.
# A word before `:` is a label ("Donations:", "Hours:").
_WORDS = sorted(w for w in set(_UNITS_BY_WORD) | set(_CURRENCIES) if w[0].isalnum())
_WORD = word_pattern(trie_pattern(_WORDS, end=_word_end) + r"(?!\s*:)", _WORDS)
_SYMBOL = re.compile(r"[$🌹](?!\s*:)")
# What may stand between an amount and the unit or currency mark after it, on one line.
_GAP = re.compile(r"[ \t/|,:;*~•-]{0,4}(?:(?:for|a|an|the|x)[ \t]+){0,2}[ \t/|,:;*~•-]{0,3}")
# Between a unit written first and its amount ("qv 100", "overnight 800"): spaces only.
_LEFT_GAP = re.compile(r"[ \t]{0,3}")
# An amount right after an age label is the age ("age: 32 🌹").
_AGE_BEFORE = re.compile(r"\b(?:age|aged|edad|i'?m|i am)\W{0,3}\Z")


@dataclass(slots=True)
class _Token:
    kind: str  # amount | unit | currency
    start: int
    end: int
    value: str
    used: bool = False


def extract_prices(text: NormalizedText, region: str = "US") -> list[Finding]:
    """Prices with amount, unit and currency; value `200 USD/hour`."""
    tokens = _tokens(text)
    findings: list[Finding] = []
    for k, token in enumerate(tokens):
        if token.kind != "amount" or not _beside_word(tokens, k):
            continue
        if not _after_age(text.lower, token.start):
            finding = _price(text, tokens, k)
            if finding is not None:
                findings.append(finding)
    return findings


def _tokens(normalized: NormalizedText) -> list[_Token]:
    """Amounts, unit words and currency marks in order, from the lower-cased text."""
    text = normalized.lower
    tokens = [_Token("amount", m.start(), m.end(), m.group()) for m in _AMOUNT.finditer(text)]
    if not tokens:
        return tokens
    # Word matches include the character before the word, in the text with a space in front.
    words = [(m.start(), m.end() - 1) for m in word_matches(normalized, _WORD)]
    words += [m.span() for m in _SYMBOL.finditer(text)]
    for start, end in words:
        word = " ".join(text[start:end].split())
        unit = _UNITS_BY_WORD.get(word)
        kind, value = ("unit", unit) if unit else ("currency", word)
        tokens.append(_Token(kind, start, end, value))
    return sorted(tokens, key=lambda token: token.start)


def _beside_word(tokens: list[_Token], k: int) -> bool:
    """Whether a unit or currency token stands next to token k (most numbers have none)."""
    before = tokens[k - 1].kind if k > 0 else "amount"
    after = tokens[k + 1].kind if k + 1 < len(tokens) else "amount"
    return before != "amount" or after != "amount"


def _after_age(text: str, start: int) -> bool:
    return _AGE_BEFORE.search(text, max(0, start - 12), start) is not None


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
    before = _neighbour(text.lower, tokens, k, -1, "currency")
    if before is not None and tokens[before].value.lower() not in _MARKS_BEFORE:
        before = None  # "roses" and 🌹 mark the amount before them, not after
    after = _neighbour(text.lower, tokens, k, 1, "currency")
    unit_at = _unit_for(text.lower, tokens, k)
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
