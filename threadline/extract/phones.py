"""Phone numbers, plain or obfuscated, as E.164 with the style they were written in."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import geocoder

from threadline.extract._numbers import is_leet_word
from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["SOURCE", "extract_phones", "phone_style"]

SOURCE = "phones@1"
NANP_REGIONS = frozenset({"US", "CA", "PR", "GU", "VI", "AS", "MP"})
PLAIN_STYLES = frozenset({"plain", "international"})

# Digits joined by short runs of separators; a letter, `$`, `:` or a long gap ends a run.
# It starts with a character class, not an optional `+`, so `re` can skip to digits.
_RUN = re.compile(r"[+0-9](?:[ \t\-.()\[\]{}#/*_~|,\n]{0,4}[0-9])*+")
_GROUP = re.compile(r"[0-9]+")
# An id, not a phone: "Post ID: 8841207733", "ad #7025550142", "ref 702 555 0142".
_ID_CONTEXT = re.compile(
    r"\b(?:id|ref|reference|post|posting|ad|listing|order|invoice|ticket|item|case"
    r"|confirmation|tracking)\s*(?:#|no\.?|num(?:ber)?|id)?\s*[:#=]?\s*\(?\Z"
)
# The site's own number in a footer: kept as `site_phone`, it must not link unrelated ads.
_SITE_CONTEXT = re.compile(
    r"(?:report\s+abuse|site\s+support|this\s+site|advertise\s+with\s+us|customer\s+"
    r"(?:service|support)|support\s+line|help\s*desk|advertising)\W{0,12}(?:call\W{0,3})?\Z"
)
_CONTEXT_CHARS = 40
_MIN_DIGITS = 8
_MAX_INTERNATIONAL = 15
_MIN_INTERNATIONAL = 8

Group = tuple[int, int]


def extract_phones(text: NormalizedText, region: str = "US") -> list[Finding]:
    """Phone numbers, plain or obfuscated, as E.164."""
    # The handle extractor asks again for WhatsApp numbers; remember the last answer.
    last_text, last_region, last_findings = _LAST
    if last_text is text and last_region == region:
        return list(last_findings)
    findings = _extract(text, region)
    _LAST[:] = [text, region, findings]
    return list(findings)


_LAST: list[Any] = [None, "", []]


def _extract(text: NormalizedText, region: str) -> list[Finding]:
    findings: list[Finding] = []
    for run in _RUN.finditer(text.text):
        if run.end() - run.start() < _MIN_DIGITS:
            continue
        # The context check comes first: ids and footers would each cost a validation.
        context = text.lower[max(0, run.start() - _CONTEXT_CHARS) : run.start()]
        if _ID_CONTEXT.search(context):
            continue
        numbers = _numbers_in_run(text.text, run, region.upper())
        kind = "site_phone" if numbers and _SITE_CONTEXT.search(context) else "phone"
        findings.extend(_finding(text, kind, number, span) for number, span in numbers)
    return findings


def _finding(text: NormalizedText, kind: str, number: str, span: tuple[int, int]) -> Finding:
    """A phone finding with the style it was written in and its area's region."""
    start, end = text.span(*span)
    written = text.original[start:end]
    attrs: tuple[tuple[str, str], ...] = (("style", phone_style(written)),)
    area = area_region(number)
    if area:
        attrs += (("area", area),)
    return Finding(kind, number, start, end, written, SOURCE, attrs)


def _numbers_in_run(
    text: str, run: re.Match[str], region: str
) -> list[tuple[str, tuple[int, int]]]:
    """The phone numbers in one run of digits, left to right, each with its span."""
    offset = run.start()
    groups = [(offset + g.start(), offset + g.end()) for g in _GROUP.finditer(run.group())]
    if sum(end - start for start, end in groups) < _MIN_DIGITS:
        return []
    plus = run.group().startswith("+")
    found: list[tuple[str, tuple[int, int]]] = []
    i = 0
    while i < len(groups):
        match = _match_at(text, groups, i, region, plus and i == 0)
        if match is None:
            i += 1
            continue
        number, j = match
        found.append((number, (_opening(text, groups[i][0], plus and i == 0), groups[j - 1][1])))
        i = j
    return found


def _opening(text: str, start: int, plus: bool) -> int:
    """The span's start, widened over a leading `+`, `(` or `#` that belongs to the number."""
    if plus:
        return start - 1
    if start > 0 and text[start - 1] in "([#":
        return start - 1
    return start


def _match_at(
    text: str, groups: list[Group], i: int, region: str, plus: bool
) -> tuple[str, int] | None:
    """The number that starts at group i and the index after its last group, or None."""
    if plus:
        return _international(text, groups, i)
    if region in NANP_REGIONS:
        return _nanp(text, groups, i)
    return _national(text, groups, i, region)


def _nanp(text: str, groups: list[Group], i: int) -> tuple[str, int] | None:
    """A North American number (10 digits, or 11 with a leading 1) from group i on."""
    digits = ""
    lengths: list[int] = []
    for j in range(i, len(groups)):
        start, end = groups[j]
        digits += text[start:end]
        lengths.append(end - start)
        if len(digits) >= 10:
            return _nanp_number(digits, lengths, j + 1)
    return None


def _nanp_number(digits: str, lengths: list[int], after: int) -> tuple[str, int] | None:
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
        lengths = _drop_leading_one(lengths)
    if len(digits) != 10 or not _plausible_groups(lengths):
        return None
    if not _nanp_shape(digits):
        return None
    number = "+1" + digits
    return (number, after) if is_valid(number) else None


def _nanp_shape(digits: str) -> bool:
    """The North American plan's shape: area code and exchange start 2-9 and are not N11."""
    return (
        digits[0] not in "01"
        and digits[3] not in "01"
        and digits[1:3] != "11"
        and digits[4:6] != "11"
    )


def _drop_leading_one(lengths: list[int]) -> list[int]:
    if lengths[0] == 1:
        return lengths[1:]
    return [lengths[0] - 1, *lengths[1:]]


def _plausible_groups(lengths: list[int]) -> bool:
    """Digit groups as phones are written (3-3-4, 3-7, 10, spaced, 3-3-2-2), not dates or prices."""
    if len(lengths) == 1:
        return True
    return all(n <= 3 for n in lengths[:-1]) and lengths[-1] <= 7


def _international(text: str, groups: list[Group], i: int) -> tuple[str, int] | None:
    """A number written with +: the longest prefix of groups that is a valid number."""
    digits = ""
    candidates: list[tuple[str, int]] = []
    for j in range(i, len(groups)):
        digits += text[groups[j][0] : groups[j][1]]
        if len(digits) > _MAX_INTERNATIONAL:
            break
        if len(digits) >= _MIN_INTERNATIONAL:
            candidates.append(("+" + digits, j + 1))
    return next(((n, j) for n, j in reversed(candidates) if is_valid(n)), None)


def _national(text: str, groups: list[Group], i: int, region: str) -> tuple[str, int] | None:
    """A number in another region's national format: the longest valid prefix of groups."""
    digits = ""
    candidates: list[tuple[str, int]] = []
    for j in range(i, len(groups)):
        digits += text[groups[j][0] : groups[j][1]]
        if len(digits) > _MAX_INTERNATIONAL:
            break
        if len(digits) >= _MIN_INTERNATIONAL:
            candidates.append((digits, j + 1))
    for digits, j in reversed(candidates):
        number = national_to_e164(digits, region)
        if number:
            return number, j
    return None


@lru_cache(maxsize=65536)
def is_valid(number: str) -> bool:
    """Whether an E.164 string is a valid number (cached: networks reuse their numbers)."""
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(number, None)))
    except phonenumbers.NumberParseException:
        return False


@lru_cache(maxsize=65536)
def national_to_e164(digits: str, region: str) -> str | None:
    """The E.164 form of a national number in a region, or None when it is not valid."""
    try:
        parsed = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=65536)
def area_region(number: str) -> str:
    """Where the number's area code is (offline geocoder), or an empty string."""
    try:
        return str(geocoder.description_for_number(phonenumbers.parse(number, None), "en"))
    except phonenumbers.NumberParseException:
        return ""


_PLAIN = re.compile(r"(?:1[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}")
_INTERNATIONAL = re.compile(r"\+[0-9][0-9 .()-]*")
_SPACED = re.compile(r"[0-9](?:\s[0-9])+")
_BRACKETED = re.compile(r"[0-9]?\([0-9]\)")
_ENCLOSED = re.compile("[\u2460-\u24ff\u2776-\u2793\U0001f100-\U0001f10c]")
_FULLWIDTH = re.compile("[\uff10-\uff19]")
_MATH = re.compile("[\U0001d7ce-\U0001d7ff]")
_LETTER = re.compile(r"[^\W\d_]")
_WORDISH = re.compile(r"[^\W\d_]{3,}")
_SPANISH = re.compile(r"(?i)\b(?:cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)\b")
_ALNUM = re.compile(r"[^\W_]+")


@lru_cache(maxsize=16384)
def phone_style(written: str) -> str:
    """How a phone was written: plain, international, or one of the obfuscation styles."""
    for style, test in _STYLE_TESTS:
        if test(written):
            return _words_style(written) if style == "words" else style
    return "other"


def _words_style(written: str) -> str:
    """Which kind of number words: leetspeak, Spanish, mixed with digits, or English."""
    tokens = _ALNUM.findall(written)
    if any(is_leet_word(token) for token in tokens):
        return "leet_words"
    if _SPANISH.search(written):
        return "words_es"
    if any(char.isdigit() for char in written):
        return "mixed_words"
    return "words_en"


_STYLE_TESTS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("emoji", lambda w: "\u20e3" in w),
    ("enclosed", lambda w: bool(_ENCLOSED.search(w))),
    ("fullwidth", lambda w: bool(_FULLWIDTH.search(w))),
    ("math", lambda w: bool(_MATH.search(w))),
    ("split_lines", lambda w: "\n" in w),
    ("words", lambda w: bool(_WORDISH.search(w))),
    ("homoglyph", lambda w: bool(_LETTER.search(w))),
    ("hashed", lambda w: "#" in w),
    ("bracketed", lambda w: bool(_BRACKETED.search(w))),
    ("international", lambda w: bool(_INTERNATIONAL.fullmatch(w))),
    ("plain", lambda w: bool(_PLAIN.fullmatch(w) or w.isdigit())),
    ("spaced", lambda w: bool(_SPACED.fullmatch(w))),
)
