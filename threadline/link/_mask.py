"""Ad text as tokens with identifiers, names, prices, cities and numbers masked as slots."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Private-use characters fence a placeholder so that tokenizing can't split or confuse it.
_OPEN, _CLOSE = "\ue000", "\ue001"
_STRIP = dict.fromkeys(map(ord, "\ufe0f\ufe0e\u20e3\u200b\u200c\u200d"), None)

_URL = re.compile(r"(?:https?://|www\.)\S+")
_EMAIL = re.compile(
    r"[\w.+-]+\s*(?:@|[(\[{]\s*at\s*[)\]}])\s*[\w-]+"
    r"(?:\s*(?:\.|[(\[{]\s*dot\s*[)\]}]|\bdot\b)\s*[a-z]{2,})+"
)
_SERVICE = (
    r"instagram|insta|ig|snapchat|snap|sc|twitter|telegram|tg|whatsapp|wa|kik|wechat|"
    r"onlyfans|linktree"
)
_HANDLE_AFTER_SERVICE = re.compile(rf"\b({_SERVICE})\b\s*(?:[:\-]\s*|\s)@?([\w.]+)")
_AT_HANDLE = re.compile(r"(?<![\w@])@[\w.]{2,}")
_PRICE = re.compile(
    r"\$\s*\d[\d,.]*|\d[\d,.]*\s*(?:\$|usd\b|dollars?\b|roses?\b|🌹|hhr\b|hr\b|/\s*h)"
)
_TOKEN = re.compile(rf"{_OPEN}([a-z]+)(\d+){_CLOSE}|\w+|[^\w\s]")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_NUMBER_WORDS = frozenset(
    [
        "zero",
        "oh",
        "o",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "cero",
        "uno",
        "una",
        "dos",
        "tres",
        "cuatro",
        "cinco",
        "seis",
        "siete",
        "ocho",
        "nueve",
    ]
)
_PHONE_DIGITS = 7  # a run of this many digits or number words reads as a phone number


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
    return unicodedata.normalize("NFKC", text).translate(_STRIP).casefold()


def mask_tokens(text: str, names: Iterable[str] = (), city: str | None = None) -> list[Token]:
    """Tokens of `text` with emails, URLs, handles, prices, names, city and numbers masked."""
    originals: list[str] = []
    work = normalize(text)
    work = _substitute(_URL, "url", work, originals)
    work = _substitute(_EMAIL, "email", work, originals)
    work = _mask_service_handles(work, originals)
    work = _substitute(_AT_HANDLE, "handle", work, originals)
    work = _substitute(_PRICE, "price", work, originals)
    for name in sorted({normalize(n) for n in names if n.strip()}, key=len, reverse=True):
        work = _substitute(_word_pattern(name), "name", work, originals)
    if city and city.strip():
        work = _substitute(_word_pattern(normalize(city)), "city", work, originals)
    return _collapse_numbers(_tokenize(work, originals))


def _word_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")


def _placeholder(kind: str, value: str, originals: list[str]) -> str:
    originals.append(value)
    return f" {_OPEN}{kind}{len(originals) - 1}{_CLOSE} "


def _substitute(pattern: re.Pattern[str], kind: str, text: str, originals: list[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        return _placeholder(kind, match.group(0), originals)

    return pattern.sub(replace, text)


def _mask_service_handles(text: str, originals: list[str]) -> str:
    """`snap: ana_b` keeps the service word as fixed text and masks the handle."""

    def replace(match: re.Match[str]) -> str:
        return match.group(1) + _placeholder("handle", match.group(2), originals)

    return _HANDLE_AFTER_SERVICE.sub(replace, text)


def _tokenize(text: str, originals: list[str]) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        if match.group(1):
            tokens.append(Token(f"<{match.group(1)}>", originals[int(match.group(2))]))
        elif match.group(0) not in _ASCII_PUNCT:
            tokens.append(Token(match.group(0), match.group(0)))
    return tokens


def _is_numberish(token: Token) -> bool:
    if token.slot is not None:
        return False
    word = token.masked
    return word in _NUMBER_WORDS or any(ch.isdigit() for ch in word)


def _collapse_numbers(tokens: list[Token]) -> list[Token]:
    """Runs of digits and number words become one `<phone>` (7+ digits) or `<num>` slot."""
    out: list[Token] = []
    run: list[Token] = []
    for token in [*tokens, Token("", "")]:
        if token.masked and _is_numberish(token):
            run.append(token)
            continue
        if run:
            out.append(_number_slot(run))
            run = []
        if token.masked:
            out.append(token)
    return out


def _number_slot(run: list[Token]) -> Token:
    if len(run) == 1 and run[0].masked in _NUMBER_WORDS and not run[0].masked.isdigit():
        return run[0]  # a lone "one" or "oh" is ordinary text
    digits = sum(
        sum(ch.isdigit() for ch in t.masked) or int(t.masked in _NUMBER_WORDS) for t in run
    )
    kind = "phone" if digits >= _PHONE_DIGITS else "num"
    return Token(f"<{kind}>", " ".join(t.original for t in run))
