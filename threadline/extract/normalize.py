"""One normalization pass that every extractor reads, with a map back to original offsets.

The pass has up to three layers, each a list of replacements of source spans:
mojibake repair per token (ftfy), then per character (NFKC, homoglyphs, enclosed and
keycap digits, zero-width and control characters removed), then per word (number words
in English and Spanish, leetspeak and look-alike letters inside digit runs, repeated
separators). A span in the normalized text maps back through the layers to the original.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import ftfy

from threadline.extract._numbers import number_replacements

__all__ = ["Layer", "NormalizedText", "normalize"]


@dataclass(frozen=True, slots=True)
class Layer:
    """Replacements from a source text to its output: everything else maps one to one."""

    out_starts: tuple[int, ...]
    out_ends: tuple[int, ...]
    src_starts: tuple[int, ...]
    src_ends: tuple[int, ...]

    def start(self, index: int) -> int:
        """The source offset where output position `index` begins."""
        k = bisect_right(self.out_starts, index) - 1
        if k < 0:
            return index
        if index < self.out_ends[k]:
            return self.src_starts[k]
        return self.src_ends[k] + index - self.out_ends[k]

    def end(self, index: int) -> int:
        """The source offset just after output character `index`."""
        k = bisect_right(self.out_starts, index) - 1
        if k < 0:
            return index + 1
        if index < self.out_ends[k]:
            return self.src_ends[k]
        return self.src_ends[k] + index - self.out_ends[k] + 1


Replacement = tuple[int, int, str]


def apply_replacements(text: str, reps: list[Replacement]) -> tuple[str, Layer]:
    """The text with sorted, non-overlapping replacements applied, and the layer mapping it."""
    parts: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    src_starts: list[int] = []
    src_ends: list[int] = []
    cursor = 0
    out = 0
    for start, end, new in reps:
        parts.append(text[cursor:start])
        out += start - cursor
        out_starts.append(out)
        parts.append(new)
        out += len(new)
        out_ends.append(out)
        src_starts.append(start)
        src_ends.append(end)
        cursor = end
    parts.append(text[cursor:])
    layer = Layer(tuple(out_starts), tuple(out_ends), tuple(src_starts), tuple(src_ends))
    return "".join(parts), layer


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """The normalized text, the original, and the layers that map one onto the other."""

    original: str
    text: str
    layers: tuple[Layer, ...] = ()
    # The text in lower case, position for position, so extractors can match case-sensitive
    # patterns (which `re` scans much faster); `text` itself when lowering would move offsets.
    lower: str = ""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalized span [start, end)."""
        layers = self.layers
        if not layers:  # most spans of most ads: nothing was replaced, offsets are the same
            return (start, start) if end <= start else (start, end)
        if end <= start:
            point = self._start(start)
            return point, point
        if len(layers) == 1:
            layer = layers[0]
            return layer.start(start), layer.end(end - 1)
        return self._start(start), self._end(end - 1)

    def _start(self, index: int) -> int:
        for layer in reversed(self.layers):
            index = layer.start(index)
        return index

    def _end(self, index: int) -> int:
        end = index + 1
        for layer in reversed(self.layers):
            end = layer.end(end - 1)
        return end


# Zero-width, joiners, variation selectors, the keycap mark, soft hyphen and tags: obfuscation
# puts them between digits, so they vanish rather than become spaces.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u20e3\ufe00-\ufe0f\ufeff\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
_LINE_BREAKS = frozenset("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_PUNCT = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201b": "'",
    "\u02bc": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2024": ".",
    "\u3002": ".",
    "\u30fb": ".",
    "\U0001f51f": "10",
}
# Cyrillic and Greek letters drawn like Latin ones; a text written to dodge filters mixes them in.
_HOMOGLYPHS = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеѕіјорсхуӏԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοιντυχ",
    "ABESIJKMHOPCTXYaesijopcxyldqwABEZHIKMNOPTYXoivtux",
)
_DINGBAT_DIGITS = (
    ("\u2776", "123456789"),  # ❶-❾ negative circled
    ("\u2780", "123456789"),  # ➀-➈ sans-serif circled
    ("\u278a", "123456789"),  # ➊-➒ negative sans-serif circled
    ("\u24f5", "123456789"),  # ⓵-⓽ double circled
)
_DIGIT_LIKE = {
    chr(ord(first) + offset): digit
    for first, digits in _DINGBAT_DIGITS
    for offset, digit in enumerate(digits)
} | {"\u24ff": "0", "\U0001f10c": "0", "\u277f": "10", "\u2789": "10", "\u2793": "10"}


@lru_cache(maxsize=8192)
def map_char(char: str) -> str:
    """What one non-ASCII or control character becomes in the normalized text."""
    if _INVISIBLE.match(char):
        return ""
    if char in _LINE_BREAKS:
        return "\n"
    special = _PUNCT.get(char) or _DIGIT_LIKE.get(char)
    if special is not None:
        return special
    if unicodedata.category(char) == "Cc":
        return ""
    return unicodedata.normalize("NFKC", char).translate(_HOMOGLYPHS)


_SPECIAL_RUN = re.compile(r"[^\t\n\r\x20-\x7e]+")


def _char_replacements(text: str) -> list[Replacement]:
    """Replacements for every character that the per-character map changes."""
    reps: list[Replacement] = []
    for match in _SPECIAL_RUN.finditer(text):
        for pos in range(match.start(), match.end()):
            _add_char(reps, text, pos, map_char(text[pos]))
    return reps


def _add_char(reps: list[Replacement], text: str, pos: int, new: str) -> None:
    """Add one character's replacement; an invisible one joins the character before it."""
    char = text[pos]
    if new:
        if new != char:
            reps.append((pos, pos + 1, new))
        return
    if reps and reps[-1][1] == pos:
        start, _, previous = reps[-1]
        reps[-1] = (start, pos + 1, previous)
    elif pos > 0:
        reps.append((pos - 1, pos + 1, text[pos - 1]))
    else:
        reps.append((pos, pos + 1, ""))


# Mojibake marks: UTF-8 read as Latin-1 or Windows-1252 (Ã©, â€™, ðŸ’—).
_MOJIBAKE = re.compile(
    "[ÂÃâðÅÐÑ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
)
_TOKEN = re.compile(r"\S+")


def _mojibake_replacements(text: str) -> list[Replacement]:
    """Replacements for whitespace-separated tokens that ftfy repairs."""
    if not _MOJIBAKE.search(text):
        return []
    reps: list[Replacement] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if _MOJIBAKE.search(token):
            fixed = ftfy.fix_text(token)
            if fixed != token:
                reps.append((match.start(), match.end(), fixed))
    return reps


def normalize(text: str) -> NormalizedText:
    """Normalize an ad's text once for every extractor, keeping the offset map."""
    layers: list[Layer] = []
    current = text
    for build in (_mojibake_replacements, _char_replacements, number_replacements):
        reps = build(current)
        if reps:
            current, layer = apply_replacements(current, reps)
            layers.append(layer)
    lowered = current.lower()
    if len(lowered) != len(current):
        lowered = current  # a rare character lowers to two; extractors then see the case
    return NormalizedText(original=text, text=current, layers=tuple(layers), lower=lowered)
