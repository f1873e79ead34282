"""Ad text as tokens with identifiers, names, prices, cities and numbers masked as slots.

Masking is a few regex passes over the normalized text, each replacing a match with a
placeholder fenced by private-use characters; tokenizing is then one `findall`. The fast
path (`masked_words`, for shingling) keeps no originals; `mask_tokens` (for showing a
template) numbers each placeholder to recover what the ad said.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use: never in ad text, never split by \w
_STRIP = re.compile("[\ufe0f\ufe0e\u20e3\u200b\u200c\u200d]")
_SERVICE = (
    r"instagram|insta|ig|snapchat|snap|sc|twitter|telegram|tg|whatsapp|wa|kik|wechat|"
    r"onlyfans|linktree"
)
# Identifier-like things, each with a cheap test that skips its regex when it cannot match.
_URL = re.compile(r"(?:https?://|www\.)\S+")
_BRACKET_AT = re.compile(r"[(\[{]\s*at\s*[)\]}]")  # `(at)`: with "@", an email hint
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s*(?:@|[(\[{]\s*at\s*[)\]}])\s*[\w-]+"
    r"(?:\s*(?:\.|[(\[{]\s*dot\s*[)\]}]|\bdot\b)\s*[a-z]{2,})+"
)
_AT_HANDLE = re.compile(r"(?<![\w@])@[\w.]{2,}")
# Each pattern starts with literal text or a character class and no look-behind, which lets
# the regex engine skip ahead to where a match can start (an alternation of them cannot);
# the callbacks check the word boundary before the match instead.
_SERVICE_HANDLE = re.compile(rf"({_SERVICE})\b\s*(?:[:\-]\s*|\s)@?([\w.]+)")
_PRICE = re.compile(
    r"[$\d](?:(?<=\$)\s*\d[\d,.]*|(?<=\d)[\d,.]*\s*(?:\$|usd\b|dollars?\b|roses?\b|🌹|/\s*h))"
)
_PHRASES: dict[str, re.Pattern[str]] = {}
_NUMBER_WORDS = frozenset(
    {"zero", "oh", "o", "one", "two", "three", "four", "five", "six", "seven", "eight"}
    | {"nine", "ten", "cero", "uno", "una", "dos", "tres", "cuatro", "cinco", "seis"}
    | {"siete", "ocho", "nueve"}
)
_DIGIT = re.compile(r"\d")
# Digits with the separators phone numbers are written with; a regex starting with \d lets
# the engine jump from digit to digit, much faster than looking at every token in Python.
_DIGIT_RUN = re.compile(r"\d(?:[\d\s\-.()#/]*\d)?")
_PHONE_DIGITS = 7  # a run of this many digits or number words reads as a phone number
_ASCII_PUNCT = re.escape(string.punctuation)
_WORDS = re.compile(rf"{_OPEN}[a-z]+{_CLOSE}|\w+|[^\w\s{_ASCII_PUNCT}]")
_INDEXED = re.compile(rf"{_OPEN}([a-z]+)_([a-z]+){_CLOSE}|\w+|[^\w\s{_ASCII_PUNCT}]")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: what shingling sees (`masked`) and what the ad said (`original`)."""

    masked: str
    original: str

    @property
    def slot(self) -> str | None:
        """The slot kind when the token is a mask (`<phone>` → `phone`), else None."""
        if self.masked.startswith("<") and self.masked.endswith(">") and len(self.masked) > 2:
            return self.masked[1:-1]
        return None


def normalize(text: str) -> str:
    """Compatibility-folded, lower-case text without emoji presentation selectors."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text)).casefold()


class _Masker:
    """Replaces matches by placeholders; with `originals`, each placeholder is numbered."""

    def __init__(self, originals: list[str] | None) -> None:
        self.originals = originals

    def hold(self, kind: str, value: str) -> str:
        if self.originals is None:
            return f" {_OPEN}{kind}{_CLOSE} "
        self.originals.append(value)
        return f" {_OPEN}{kind}_{_letters(len(self.originals) - 1)}{_CLOSE} "

    def service_handle(self, match: re.Match[str]) -> str:
        """`snap: ana_b` keeps the service word as text and masks the handle."""
        if _inside_word(match):
            return match.group(0)
        return match.group(1) + self.hold("handle", match.group(2))

    def word_holder(self, kind: str) -> Callable[[re.Match[str]], str]:
        """Like `holder`, for patterns that may start inside a word (left unchanged then)."""
        return lambda m: m.group(0) if _inside_word(m) else self.hold(kind, m.group(0))

    def holder(self, kind: str) -> Callable[[re.Match[str]], str]:
        """A substitution callback that holds the match as a `kind` slot."""
        return lambda match: self.hold(kind, match.group(0))

    def identifiers(self, work: str) -> str:
        if "http" in work or "www." in work:
            work = _URL.sub(self.holder("url"), work)
        if "@" in work or _BRACKET_AT.search(work):
            work = _EMAIL.sub(self.holder("email"), work)
        if "@" in work:
            work = _AT_HANDLE.sub(self.holder("handle"), work)
        work = _SERVICE_HANDLE.sub(self.service_handle, work)
        return _PRICE.sub(self.holder("price"), work)

    def digits(self, match: re.Match[str]) -> str:
        """A run of digits: a phone slot from 7 digits on, else a number slot."""
        text = match.group(0)
        return self.hold("phone" if len(_DIGIT.findall(text)) >= _PHONE_DIGITS else "num", text)

    def mask(self, text: str, names: Iterable[str], city: str | None) -> str:
        work = self.identifiers(normalize(text))
        if city and city.strip():
            work = _phrase(normalize(city).strip()).sub(self.word_holder("city"), work)
        for name in sorted({normalize(n).strip() for n in names if n.strip()}, key=len)[::-1]:
            work = _phrase(name).sub(self.word_holder("name"), work)
        return _DIGIT_RUN.sub(self.digits, work)


def _inside_word(match: re.Match[str]) -> bool:
    start = match.start()
    return start > 0 and (match.string[start - 1].isalnum() or match.string[start - 1] == "_")


def _letters(number: int) -> str:
    """A placeholder index in letters, so that number masking cannot mistake it for digits."""
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out = chr(97 + digit) + out
        if number == 0:
            return out


def _phrase(phrase: str) -> re.Pattern[str]:
    """A literal phrase ending at a word boundary (the start is checked by the callback)."""
    pattern = _PHRASES.get(phrase)
    if pattern is None:
        if len(_PHRASES) > 4096:  # bounded: cities and names seen recently
            _PHRASES.clear()
        pattern = _PHRASES[phrase] = re.compile(rf"{re.escape(phrase)}(?!\w)")
    return pattern


def masked_words(text: str, names: Iterable[str] = (), city: str | None = None) -> list[str]:
    """The masked tokens of a text (slots as private-use fenced kinds), fast, for shingling.

    Digit runs are masked; number words ("seven oh two") stay words here, which costs a few
    shingles for ads that spell their number out and saves a Python pass over every token.
    """
    words: list[str] = _WORDS.findall(_Masker(None).mask(text, names, city))
    return words


def mask_tokens(text: str, names: Iterable[str] = (), city: str | None = None) -> list[Token]:
    """Tokens with emails, URLs, handles, prices, names, city and numbers masked as `<kind>`."""
    originals: list[str] = []
    work = _Masker(originals).mask(text, names, city)
    pairs: list[tuple[str, str]] = []
    for match in _INDEXED.finditer(work):
        kind, index = match.group(1), match.group(2)
        if kind:
            pairs.append((f"<{kind}>", originals[_number(index)].strip()))
        else:
            pairs.append((match.group(0), match.group(0)))
    return [Token(m, o) for m, o in _collapse_numbers(pairs)]


def _numberish(word: str) -> bool:
    if word.isalpha():
        return word in _NUMBER_WORDS
    return word in ("<num>", "<phone>") or (word[0] != "<" and _DIGIT.search(word) is not None)


def _collapse_numbers(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs of digits and number words become one phone slot (7+ digits) or number slot."""
    out: list[tuple[str, str]] = []
    start = -1
    for index, (word, _) in enumerate([*pairs, ("", "")]):
        if word and _numberish(word):
            if start < 0:
                start = index
            continue
        if start >= 0:
            out.append(_number_slot(pairs[start:index]))
            start = -1
        if word:
            out.append(pairs[index])
    return out


def _number_slot(run: list[tuple[str, str]]) -> tuple[str, str]:
    if len(run) == 1 and run[0][0].isalpha():
        return run[0]  # a lone "one" or "oh" is ordinary text
    digits = sum(len(_DIGIT.findall(original)) or 1 for _, original in run)
    kind = "phone" if digits >= _PHONE_DIGITS else "num"
    original = " ".join(o for _, o in run)
    return (f"<{kind}>", original)


def _number(letters: str) -> int:
    value = 0
    for char in letters:
        value = value * 26 + ord(char) - 97
    return value
