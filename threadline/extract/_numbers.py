"""Number words, leetspeak and look-alike letters turned into digits, only in number context."""

from __future__ import annotations

import re
from functools import lru_cache

from threadline.extract._trie import trie_pattern

__all__ = ["is_leet_word", "number_replacements"]

Replacement = tuple[int, int, str]

_DIGIT_WORDS: dict[str, tuple[str, ...]] = {
    "0": ("zero", "cero", "zer0", "zeero", "nil"),
    "1": ("one", "uno", "won"),
    "2": ("two", "dos", "tw0", "too"),
    "3": ("three", "tres", "tree", "thre", "thr33"),
    "4": ("four", "cuatro", "fuor", "foor"),
    "5": ("five", "cinco", "fiv", "fife"),
    "6": ("six", "seis", "sicks"),
    "7": ("seven", "siete", "sevn", "sevin", "se7en"),
    "8": ("eight", "ocho", "eigth", "eigt", "ate"),
    "9": ("nine", "nueve", "nien", "nin9"),
}
# Words that are also ordinary words: digits only beside a strong digit chunk.
_WEAK_WORDS = frozenset({"oh", "o", "ate", "won", "too", "tree", "nil"})
_HOMOGLYPH_DIGITS = {"O": "0", "o": "0", "I": "1", "l": "1", "S": "5"}
_LEET = {"o": "[o0]", "e": "[e3]", "i": "[i1]", "s": "[s5]", "t": "[t7]", "a": "[a4]", "g": "[g9]"}


def _leet(word: str) -> str:
    """A pattern for a word with its letters optionally written as look-alike digits."""
    body = "".join(_LEET.get(char, re.escape(char)) for char in word)
    # A variant made only of digits would eat real digits ("5315" is not "seis").
    return f"(?![0-9]{{{len(word)}}}){body}"


def _word_table() -> dict[str, str]:
    """Every spelling (lower case) and its digit."""
    table = {spelling: digit for digit, words in _DIGIT_WORDS.items() for spelling in words}
    table.update({"oh": "0", "o": "0"})
    return table


_WORDS = _word_table()
_LEET_CHARS = {"o": "o0", "e": "e3", "i": "i1", "s": "s5", "t": "t7", "a": "a4", "g": "g9"}


def _spellings(word: str) -> list[str]:
    """A word and its leetspeak variants, never one made only of digits."""
    variants = [""]
    for char in word:
        variants = [v + c for v in variants for c in _LEET_CHARS.get(char, char)]
    return [v for v in variants if not v.isdigit()]


_WORD_PATTERN = trie_pattern(sorted({s for word in _WORDS for s in _spellings(word)}))
_PIECE = f"(?i:{_WORD_PATTERN})|[0-9]|[OoIlS]"
_PIECE_RE = re.compile(_PIECE)
_CHUNK = f"(?<![A-Za-z0-9])(?:{_PIECE})++(?![A-Za-z0-9])"
_SEP = r"[ \t\-.()\[\]{}#/*_~|,+:\n]{1,5}"
_SEP_RE = re.compile(_SEP)
_RUN = f"{_CHUNK}(?:{_SEP}{_CHUNK})*+"

_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ES_TEENS = {
    "diez": 10,
    "doce": 12,
    "trece": 13,
    "catorce": 14,
    "quince": 15,
    "dieciseis": 16,
    "dieciséis": 16,
    "diecisiete": 17,
    "dieciocho": 18,
    "diecinueve": 19,
    "veinte": 20,
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
}
_ES_UNITS = ("uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve")


def _compound_values() -> dict[str, int]:
    """Spellings of 10 to 59 in English and Spanish, lower case, single-spaced."""
    values = {word: 10 + i for i, word in enumerate(_TEENS)} | dict(_ES_TEENS)
    values["fourty"] = 40
    for i, tens in enumerate(_TENS, start=2):
        values[tens] = 10 * i
        for j, unit in enumerate(_UNITS, start=1):
            values[f"{tens} {unit}"] = 10 * i + j
            values[f"{tens}{unit}"] = 10 * i + j
    for j, unit in enumerate(_ES_UNITS, start=1):
        values[f"veinti{unit}"] = 20 + j
        for tens, base in (("treinta", 30), ("cuarenta", 40)):
            values[f"{tens} y {unit}"] = base + j
    values.update({"veintitrés": 23, "veintiséis": 26})
    return values


_COMPOUNDS = _compound_values()
_COMPOUND_PATTERN = trie_pattern(sorted(_COMPOUNDS), lambda c: "[ -]" if c == " " else re.escape(c))
# Each match begins with the character before a word, so `re` enters the pattern only where
# a word starts; the text is searched with a space in front so its first word has one too.
_NUMBER_PASS = re.compile(
    f"[^A-Za-z0-9](?:(?P<compound>(?i:{_COMPOUND_PATTERN})(?![A-Za-z0-9]))|(?P<run>{_RUN}))"
)
# The same pattern without IGNORECASE (three times faster in `re`), for a lower-cased probe
# of the text in which the capitals that matter keep a mark: I and S are look-alike digits
# and i and s are not; L is not a look-alike and l is.
_MARKED = {"i": "[i\x01]", "s": "[s\x02]", "l": "[l\x04]"}
_WORDCHAR = "a-z0-9\x01-\x04"


def _probe(text: str) -> str:
    """The lower-cased text with I, S and L marked (three `replace` calls beat `translate`)."""
    return text.replace("I", "\x01").replace("S", "\x02").replace("L", "\x04").lower()


def _marked_char(char: str) -> str:
    return _MARKED.get(char, re.escape(char))


def _marked_trie(words: list[str], space: str = " ") -> str:
    """A trie of lower-case words that also matches their capitals in the probe."""
    variants = {w for w in words} | {"\x02" + w[1:] for w in words if w.startswith("s")}
    return trie_pattern(sorted(variants), lambda c: space if c == " " else _marked_char(c))


_PROBE_CHUNK = (
    f"(?:{_marked_trie(sorted({s for w in _WORDS for s in _spellings(w)}))}|[0-9]|[\x01\x02l])++"
    f"(?![{_WORDCHAR}])"
)
# A number word, digit or marked capital starts with one of these: the class fails about half
# of all word starts in one test, before the tries' branches are tried.
_PROBE_FIRSTS = "".join(
    re.escape(first)
    for first in sorted({w[0] for w in _COMPOUNDS} | {s[0] for w in _WORDS for s in _spellings(w)})
)
_PROBE_PASS = re.compile(
    f"[^{_WORDCHAR}](?=[{_PROBE_FIRSTS}0-9\x01-\x04l])"
    f"(?:(?P<compound>{_marked_trie(sorted(_COMPOUNDS), '[ -]')})(?![{_WORDCHAR}])"
    f"|(?P<run>{_PROBE_CHUNK}(?:{_SEP}{_PROBE_CHUNK})*+))"
)
_SQUEEZE = re.compile(r"--+|\.\.+|~~+|\*\*+|\|\|+| [ \t]+|\t[ \t]+")
_LETTER = re.compile("[A-Za-z]")
_MIN_RUN_DIGITS = 3
_SHORTEST_THREE_WORDS = 9


def number_replacements(text: str) -> list[Replacement]:
    """Replacements that turn number words and look-alikes into digits, and squeeze separators."""
    reps: list[Replacement] = []
    probe = _probe(text)
    if len(probe) == len(text):
        matches = _PROBE_PASS.finditer(" " + probe)
    else:  # a rare character lowers to two: match the text itself, ignoring case
        matches = _NUMBER_PASS.finditer(" " + text)
    for match in matches:
        start, end = match.start(), match.end() - 1  # offsets in `text`
        written = text[start:end]
        if match.lastgroup == "compound":
            value = _COMPOUNDS[" ".join(written.lower().replace("-", " ").split())]
            reps.append((start, end, str(value)))
        elif _may_convert(written):
            reps.extend(_run_replacements(written, start))
    squeezed = [(m.start(), m.end(), m.group()[0]) for m in _SQUEEZE.finditer(text)]
    return _merge(reps, squeezed) if squeezed else reps


def _may_convert(run: str) -> bool:
    """Whether a run could hold number words to convert: some letters, and either a digit or
    room for three words ("one", "two", "six" are the shortest), so a lone `I` or `one` is
    passed over without further work."""
    if not _LETTER.search(run):
        return False
    return len(run) >= _SHORTEST_THREE_WORDS or any(char.isdigit() for char in run)


def _merge(first: list[Replacement], second: list[Replacement]) -> list[Replacement]:
    """Two sorted lists of replacements as one, dropping any that overlaps an earlier one."""
    merged: list[Replacement] = []
    for rep in sorted(first + second):
        if not merged or rep[0] >= merged[-1][1]:
            merged.append(rep)
    return merged


def _run_replacements(run: str, offset: int) -> list[Replacement]:
    """Digit replacements for the chunks of one run that stand in number context."""
    chunks = _split_chunks(run)
    strong = [_is_strong(chunk) for _, chunk in chunks]
    weak = [_is_weak_word(chunk) for _, chunk in chunks]
    glyphs = [_is_glyphs(chunk) for _, chunk in chunks]
    qualified = _spread(strong, weak, glyphs)
    digits = sum(
        len(_digits(chunk)) for (_, chunk), ok in zip(chunks, qualified, strict=True) if ok
    )
    if digits < _MIN_RUN_DIGITS:
        return []
    reps: list[Replacement] = []
    for (start, chunk), ok in zip(chunks, qualified, strict=True):
        if ok and _LETTER.search(chunk):
            reps.extend(_piece_replacements(chunk, offset + start))
    return reps


def _split_chunks(run: str) -> list[tuple[int, str]]:
    """The chunks of a run between separators, with their offsets in the run."""
    chunks: list[tuple[int, str]] = []
    cursor = 0
    for sep in _SEP_RE.finditer(run):
        if sep.start() > cursor:
            chunks.append((cursor, run[cursor : sep.start()]))
        cursor = sep.end()
    if cursor < len(run):
        chunks.append((cursor, run[cursor:]))
    return chunks


def _is_strong(chunk: str) -> bool:
    """A chunk that is a number by itself: it has a real digit or a non-weak number word."""
    if any(char.isdigit() for char in chunk):
        return True
    return any(_is_strong_word(piece.group()) for piece in _PIECE_RE.finditer(chunk))


def _is_strong_word(piece: str) -> bool:
    return len(piece) > 1 and piece.lower() not in _WEAK_WORDS


def _is_weak_word(chunk: str) -> bool:
    """A chunk such as `oh` or `o` that is a digit only beside a number."""
    lowered = chunk.lower()
    return lowered in _WEAK_WORDS or lowered.replace("0", "o") in _WEAK_WORDS


def _is_glyphs(chunk: str) -> bool:
    """A chunk made only of look-alike letters (`SSS`, `Ol`)."""
    return all(char in _HOMOGLYPH_DIGITS for char in chunk)


def _spread(strong: list[bool], weak: list[bool], glyphs: list[bool]) -> list[bool]:
    """Weak word chunks qualify beside a number; look-alike letters only between two numbers."""
    qualified = list(strong)
    for order in (range(1, len(qualified)), range(len(qualified) - 2, -1, -1)):
        step = 1 if order.step > 0 else -1
        for i in order:
            if weak[i] and not qualified[i] and qualified[i - step]:
                qualified[i] = True
    for i in range(1, len(qualified) - 1):
        if glyphs[i] and strong[i - 1] and strong[i + 1]:
            qualified[i] = True
    return qualified


def _digits(chunk: str) -> str:
    """The digits a chunk stands for."""
    return "".join(_piece_digit(piece.group()) for piece in _PIECE_RE.finditer(chunk))


@lru_cache(maxsize=4096)
def _piece_digit(piece: str) -> str:
    """The digit one piece stands for: a digit, a look-alike letter or a number word."""
    if piece.isdigit():
        return piece
    if piece in _HOMOGLYPH_DIGITS:
        return _HOMOGLYPH_DIGITS[piece]
    lowered = piece.lower()
    if lowered in _WORDS:
        return _WORDS[lowered]
    return next((digit for pattern, digit in _LEET_RES if pattern.fullmatch(lowered)), "")


_LEET_RES = tuple((re.compile(_leet(word)), digit) for word, digit in _WORDS.items())


def _piece_replacements(chunk: str, offset: int) -> list[Replacement]:
    """One replacement per piece that is not already a digit, so spans stay fine-grained."""
    reps: list[Replacement] = []
    for piece in _PIECE_RE.finditer(chunk):
        text = piece.group()
        if not text.isdigit():
            reps.append((offset + piece.start(), offset + piece.end(), _piece_digit(text)))
    return reps


def is_leet_word(token: str) -> bool:
    """Whether a token mixes letters and digits as one number word in leetspeak (`f0ur`)."""
    if token.isdigit() or token.isalpha():
        return False
    lowered = token.lower()
    return any(pattern.fullmatch(lowered) for pattern, _ in _LEET_RES)
