"""Phone numbers written the ways ads write them, plain or obscured (docs/truth.md)."""

from __future__ import annotations

import random
from collections.abc import Callable

PHONE_STYLES: tuple[str, ...] = (
    "plain",
    "international",
    "spaced",
    "bracketed",
    "hashed",
    "words_en",
    "words_es",
    "mixed_words",
    "homoglyph",
    "emoji",
    "enclosed",
    "fullwidth",
    "math",
    "split_lines",
    "leet_words",
)

_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_ES = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve")
_LEET = ("z3ro", "0ne", "tw0", "thr33", "f0ur", "f1ve", "s1x", "sev3n", "e1ght", "n1ne")
_CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
# Look-alikes for digits: Latin letters, then Cyrillic and Greek capitals and smalls.
_HOMOGLYPHS: dict[str, tuple[str, ...]] = {
    "0": ("O", "o", "О", "о", "Ο", "ο"),
    "1": ("l", "I", "І"),
    "5": ("S",),
}


def _groups(digits: str) -> tuple[str, str, str]:
    return digits[:3], digits[3:6], digits[6:]


def _plain(digits: str, rng: random.Random) -> str:
    a, b, c = _groups(digits)
    return rng.choice((f"{a}-{b}-{c}", f"({a}) {b}-{c}", f"{a}.{b}.{c}", f"{a}{b}{c}"))


def _international(digits: str, rng: random.Random) -> str:
    a, b, c = _groups(digits)
    return rng.choice((f"+1 {a} {b} {c}", f"+1-{a}-{b}-{c}", f"+1 ({a}) {b}-{c}"))


def _spaced(digits: str, rng: random.Random) -> str:
    return " ".join(digits)


def _bracketed(digits: str, rng: random.Random) -> str:
    a, b, c = _groups(digits)
    return "".join(f"({d})" for d in a) + " " + " ".join(b) + " . " + " ".join(c)


def _hashed(digits: str, rng: random.Random) -> str:
    a, b, c = _groups(digits)
    return f"#{a}#{b}#{c[:2]}#{c[2:]}"


def _words(table: tuple[str, ...], digits: str, rng: random.Random, oh: bool) -> str:
    words = [table[int(d)] for d in digits]
    if oh:
        # "oh" for zero is how people say numbers aloud; use it now and then.
        words = [w if w != "zero" or rng.random() < 0.6 else "oh" for w in words]
    return " ".join(words)


def _words_en(digits: str, rng: random.Random) -> str:
    return _words(_EN, digits, rng, oh=True)


def _words_es(digits: str, rng: random.Random) -> str:
    return _words(_ES, digits, rng, oh=False)


def _leet_words(digits: str, rng: random.Random) -> str:
    return _words(_LEET, digits, rng, oh=False)


def _mixed_words(digits: str, rng: random.Random) -> str:
    marks = [rng.random() < 0.5 for _ in digits]
    marks[rng.randrange(10)] = True  # at least one word
    marks[rng.randrange(10)] = False  # and at least one digit
    upper = rng.random() < 0.3
    parts = [_mixed_digit(d, word, upper) for d, word in zip(digits, marks, strict=True)]
    a, b, c = "".join(parts[:3]), "".join(parts[3:6]), "".join(parts[6:])
    return rng.choice((f"{a} {b} {c}", f"{a}-{b}-{c}"))


def _mixed_digit(digit: str, word: bool, upper: bool) -> str:
    if not word:
        return digit
    text = _EN[int(digit)]
    return text.upper() if upper else text


def _homoglyph(digits: str, rng: random.Random) -> str:
    spots = [i for i, d in enumerate(digits) if d in _HOMOGLYPHS]
    chosen = set(rng.sample(spots, k=min(len(spots), rng.randint(1, 3))))
    chars = [rng.choice(_HOMOGLYPHS[d]) if i in chosen else d for i, d in enumerate(digits)]
    a, b, c = "".join(chars[:3]), "".join(chars[3:6]), "".join(chars[6:])
    return f"{a}-{b}-{c}"


def _emoji(digits: str, rng: random.Random) -> str:
    return "".join(f"{d}\ufe0f\u20e3" for d in digits)


def _enclosed(digits: str, rng: random.Random) -> str:
    return "".join(_CIRCLED[int(d)] for d in digits)


def _fullwidth(digits: str, rng: random.Random) -> str:
    wide = "".join(chr(0xFF10 + int(d)) for d in digits)
    a, b, c = _groups(wide)
    return f"{a}－{b}－{c}"


def _math(digits: str, rng: random.Random) -> str:
    bold = "".join(chr(0x1D7CE + int(d)) for d in digits)
    a, b, c = _groups(bold)
    return f"{a} {b} {c}"


def _split_lines(digits: str, rng: random.Random) -> str:
    return "\n".join(_groups(digits))


_RENDERERS: dict[str, Callable[[str, random.Random], str]] = {
    "plain": _plain,
    "international": _international,
    "spaced": _spaced,
    "bracketed": _bracketed,
    "hashed": _hashed,
    "words_en": _words_en,
    "words_es": _words_es,
    "mixed_words": _mixed_words,
    "homoglyph": _homoglyph,
    "emoji": _emoji,
    "enclosed": _enclosed,
    "fullwidth": _fullwidth,
    "math": _math,
    "split_lines": _split_lines,
    "leet_words": _leet_words,
}


def render_phone(e164: str, style: str, rng: random.Random) -> str:
    """The number `+1NNNNNNNNNN` written in one of PHONE_STYLES."""
    return _RENDERERS[style](e164[2:], rng)
