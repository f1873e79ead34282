"""Text templates: fixed wording drawn from the phrase bank, with slots filled per ad.

Two templates share little wording because every sentence is realized word group by word
group from a large space of choices; ads of one template differ only in slot values.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from threadline.synth import _lexicon as lex
from threadline.synth._grammar import realize
from threadline.synth._rng import sample, seeded

# A piece of a line: literal text, or a slot (kind, index) filled when an ad is written.
Piece = str | tuple[str, int]
SLOT = re.compile(r"\{([a-z]+)(\d*)\}")
_OPTIONAL = re.compile(r"\{(?:phonealt|handle\d+|email\d+)\}")
_PLAIN_WORD = re.compile(r"[A-Za-z]{4,}")
_SWAPPABLE = re.compile(rf"\b(?:{'|'.join(lex.TYPO_SWAPS)})\b", re.IGNORECASE)
_UNITS: tuple[str, ...] = ("half_hour", "hour", "quick_visit", "overnight", "session")
_CODES: dict[str, tuple[str, ...]] = {
    category: tuple(code for code in lex.INDICATORS if code.startswith(category + "."))
    for category in lex.INDICATOR_RATES["trafficking"]
}


@dataclass(frozen=True, slots=True)
class Template:
    """The fixed part of an ad, its slots, and how the slots are written."""

    id: str
    title: str  # slot-marked text: literal text with {name}, {phone}, {ind3}, ...
    body: str
    separator: str
    fixed: tuple[tuple[str, str, str], ...]  # ("ind"|"neg", code or kind, text) by slot index
    age_form: str
    price_form: dict[str, str]
    units: tuple[str, ...]
    price_separator: str
    leads: dict[str, str]  # leads written before optional contact lines


@dataclass(frozen=True, slots=True)
class Needs:
    """What a network offers a template: its kind and how many handles and emails it has."""

    kind: str
    handles: int
    emails: int
    has_phone: bool


class _Draft:
    """A template under construction: lines as slot-marked strings and fixed slot values."""

    def __init__(self, rng: random.Random, typo_rate: float) -> None:
        """A draft drawing from `rng` with `typo_rate` misspellings per word."""
        self.rng = rng
        self.typo_rate = typo_rate
        self.fixed: list[tuple[str, str, str]] = []

    def fix(self, kind: str, code: str, text: str) -> str:
        """A slot marker for a fixed value (indicator or hard negative)."""
        self.fixed.append((kind, code, text))
        return f"{{{kind}{len(self.fixed) - 1}}}"

    def sentence(self, pattern: str) -> str:
        """A realized sentence from the bank, with this template's typos."""
        return self.typo(realize(pattern, self.rng))

    def typo(self, text: str) -> str:
        """The text with slang and a misspelling now and then; slot markers are untouched."""
        if not self.typo_rate:
            return text
        text = _SWAPPABLE.sub(self._swap, text)
        # One draw per sentence instead of per word: misspell one plain word, or none.
        words = text.split(" ")
        i = int(self.rng.random() * len(words))
        if self.rng.random() < self.typo_rate * len(words) and _PLAIN_WORD.fullmatch(words[i]):
            words[i] = _misspell(words[i], self.rng)
            return " ".join(words)
        return text

    def _swap(self, match: re.Match[str]) -> str:
        """Slang for a word ("you" → "u"), now and then."""
        if self.rng.random() < self.typo_rate * 8:
            return lex.TYPO_SWAPS[match.group(0).lower()]
        return match.group(0)


def _misspell(word: str, rng: random.Random) -> str:
    """The word with one letter dropped, doubled or swapped with its neighbour."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _upper(text: str) -> str:
    """A line in capitals, slot markers kept; names and cities then come in capitals too."""
    parts = SLOT.split(text)
    return "".join(
        parts[i].upper() if i % 3 == 0 else _upper_marker(parts, i) for i in range(len(parts))
    )


def _upper_marker(parts: list[str], i: int) -> str:
    """A slot marker as it stands in a capitalized line (`{name}` becomes `{nameupper}`)."""
    if i % 3 == 2:
        return ""
    kind = parts[i] + "upper" if parts[i] in ("name", "city") else parts[i]
    return f"{{{kind}{parts[i + 1]}}}"


def build_template(template_id: str, needs: Needs, seed: int) -> Template:
    """A new template for one network, the same for the same id and seed."""
    rng = seeded(seed, "template", template_id)
    draft = _Draft(rng, rng.choice((0.0, 0.0, 0.015, 0.04)))
    tags = _indicator_tags(draft, needs.kind)
    title_tags = [tags.pop() for _ in range(min(len(tags), rng.randint(0, 2)))]
    units = _choose_units(rng)
    title = _title(draft, title_tags)
    body = _body_lines(draft, needs, tags, units)
    separator = rng.choice(("\n", "\n", "\n", " ", "\n\n"))
    return Template(
        id=template_id,
        title=_upper(title) if rng.random() < 0.25 else title,
        body=_join_body(
            [_upper(line) if rng.random() < 0.06 else line for line in body], separator
        ),
        separator=separator,
        fixed=tuple(draft.fixed),
        age_form=rng.choice(lex.AGE_FORMS),
        price_form=rng.choice(lex.PRICE_FORMS),
        units=units,
        price_separator=rng.choice(lex.RATE_SEPARATORS),
        leads=_leads(rng),
    )


def is_optional(line: str) -> bool:
    """Whether the line is one slot that some ads leave empty (the slot writes its joiner)."""
    return _OPTIONAL.fullmatch(line) is not None


def _join_body(lines: list[str], separator: str) -> str:
    """Lines joined, led by one that is always written, so no ad's body starts blank."""
    first = next((i for i, line in enumerate(lines) if not is_optional(line)), 0)
    ordered = [lines[first], *lines[:first], *lines[first + 1 :]]
    return "".join(
        line if i == 0 or is_optional(line) else separator + line for i, line in enumerate(ordered)
    )


def _leads(rng: random.Random) -> dict[str, str]:
    """The words this template writes before optional contact lines."""
    return {
        "phone2": rng.choice(lex.SECOND_PHONE_LEADS),
        "handle": rng.choice(lex.HANDLE_LEADS),
        "email": rng.choice(lex.EMAIL_LEADS),
    }


def _choose_units(rng: random.Random) -> tuple[str, ...]:
    """The price units the template's rate list shows, in a fixed order."""
    count = rng.choice((1, 2, 2, 3, 3, 4))
    chosen = set(sample(rng, _UNITS, count))
    return tuple(unit for unit in _UNITS if unit in chosen)


def _indicator_tags(draft: _Draft, kind: str) -> list[str]:
    """Slot markers for the indicators this template plants, in random order."""
    rng = draft.rng
    chosen: dict[str, str] = {}
    for category, rate in lex.INDICATOR_RATES[kind].items():
        codes = _CODES[category]
        for _ in range(int(rate) + (rng.random() < rate % 1)):
            code = rng.choice(codes)
            chosen.setdefault(code, rng.choice(lex.INDICATORS[code]))
    tags = [_tag(draft, code, phrase) for code, phrase in chosen.items()]
    rng.shuffle(tags)
    return tags


def _tag(draft: _Draft, code: str, phrase: str) -> str:
    """A slot marker for one planted indicator phrase, now and then in capitals."""
    if draft.rng.random() < 0.3 and not code.startswith("emoji."):
        phrase = phrase.upper()
    return draft.fix("ind", code, phrase)


def _title(draft: _Draft, tags: list[str]) -> str:
    """The title line: a bank pattern, indicator tags around it, maybe an emoji."""
    rng = draft.rng
    text = draft.sentence(rng.choice(lex.TITLES))
    for tag in tags:
        text = f"{tag} {text}" if rng.random() < 0.5 else f"{text} {tag}"
    if rng.random() < 0.5:
        text = f"{text} {rng.choice(lex.DECOR_EMOJI)}"
    return text


def _body_lines(draft: _Draft, needs: Needs, tags: list[str], units: tuple[str, ...]) -> list[str]:
    """The body lines: greeting, filler, tags and facts shuffled, contact lines first or last."""
    rng = draft.rng
    middle = _filler_lines(draft) + [_wrap(tag, rng) for tag in tags] + _fact_lines(draft, units)
    rng.shuffle(middle)
    contact = _contact_lines(draft, needs)
    head = [draft.sentence(rng.choice(lex.INTROS))] if rng.random() < 0.85 else []
    if rng.random() < 0.25:
        return head + contact + middle
    return head + middle + contact


def _filler_lines(draft: _Draft) -> list[str]:
    """Six to ten bank sentences grouped into one to three per line."""
    rng = draft.rng
    sentences = [draft.sentence(p) for p in sample(rng, lex.FILLER, rng.randint(6, 10))]
    lines: list[str] = []
    while sentences:
        take = rng.randint(1, 3)
        lines.append(_join_sentences(sentences[:take], rng))
        del sentences[:take]
    return lines


def _join_sentences(sentences: list[str], rng: random.Random) -> str:
    """Sentences joined the way this ad punctuates, maybe with an emoji."""
    ending = rng.choice((". ", "! ", " ", "... ", ". "))
    text = ending.join(sentences)
    if rng.random() < 0.3:
        text = f"{text} {rng.choice(lex.DECOR_EMOJI)}"
    return text


def _wrap(tag: str, rng: random.Random) -> str:
    """A tag with the decoration ads put around shouted phrases."""
    before, after = rng.choice(lex.TAG_WRAPS)
    return f"{before}{tag}{after}"


def _fact_lines(draft: _Draft, units: tuple[str, ...]) -> list[str]:
    """Lines of facts: age, hours, incall/outcall and place, rates, details."""
    rng = draft.rng
    lines: list[str] = []
    if rng.random() < 0.8:
        lines.append(f"{rng.choice(lex.AGE_LEADS)}{{age}}".strip())
    if rng.random() < 0.7:
        lines.append(_availability(draft))
    if rng.random() < 0.8:
        lines.append(draft.sentence(rng.choice(lex.INOUT)))
    if rng.random() < 0.85:
        lines.append(_rates(rng, units))
    lines.extend(_optional_facts(draft))
    return lines


def _availability(draft: _Draft) -> str:
    """The hours line; the time range is a hard negative."""
    lead = draft.rng.choice(lex.AVAIL_LEADS)
    return f"{lead} {draft.fix('neg', 'time', draft.rng.choice(lex.TIME_RANGES))}"


def _rates(rng: random.Random, units: tuple[str, ...]) -> str:
    """The rate list line (the list is one slot, filled from the network's prices)."""
    lead = rng.choice(lex.RATE_LEADS)
    slots = "{prices}"
    return f"{lead} {slots}".strip() if units else lead


def _optional_facts(draft: _Draft) -> list[str]:
    """Height and measurements, a date and a year: numbers that are not phones."""
    rng = draft.rng
    lines: list[str] = []
    if rng.random() < 0.5:
        height = draft.fix("neg", "height", rng.choice(lex.HEIGHTS))
        size = draft.fix("neg", "measurement", rng.choice(lex.MEASUREMENTS))
        lines.append(f"{rng.choice(lex.DETAIL_LEADS)} {height} {size}".strip())
    if rng.random() < 0.5:
        lines.append(f"{rng.choice(lex.DATE_LEADS)} {{date}}")
    if rng.random() < 0.25:
        year = draft.fix("neg", "year", str(rng.randint(2012, 2024)))
        lines.append(f"{rng.choice(lex.YEAR_LEADS)} {year}")
    return lines


def _contact_lines(draft: _Draft, needs: Needs) -> list[str]:
    """The phone line and the optional second phone, handle and email lines."""
    rng = draft.rng
    lines: list[str] = []
    if needs.has_phone:
        lead = realize(rng.choice(lex.CONTACT_LEADS), rng)
        lines.append(f"{lead} {{phone}}{rng.choice(lex.CONTACT_TAILS)}")
        lines.append("{phonealt}")
    # A network without a phone is reached through its handles, so they are always there.
    keep = 0.8 if needs.has_phone else 1.0
    lines.extend(f"{{handle{i}}}" for i in range(needs.handles) if rng.random() < keep)
    lines.extend(f"{{email{i}}}" for i in range(needs.emails) if rng.random() < 0.7)
    return lines
