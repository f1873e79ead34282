"""Writes one ad from a template and the ad's facts, recording every planted span.

A template is compiled once into a program: a short list of (operation, argument) steps in
which literal text, fixed indicators and fixed hard negatives are already merged into runs.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from threadline.synth import _lexicon as lex
from threadline.synth._phones import PHONE_STYLES, render_phone
from threadline.synth._places import City
from threadline.synth._templates import SLOT, Template

# Plain numbers dominate real ads; every obscured style still shows up in a few percent.
_STYLE_WEIGHTS = tuple(
    30 if s == "plain" else 10 if s == "international" else 4.6 for s in PHONE_STYLES
)
_STYLE_CUMULATIVE = tuple(sum(_STYLE_WEIGHTS[: i + 1]) for i in range(len(_STYLE_WEIGHTS)))
_STYLE_TOTAL = _STYLE_CUMULATIVE[-1]
_WHATSAPP_STYLES = ("plain", "international")
_SITE_PHONE_FORMS = ("1-{a}-{b}-{c}", "({a}) {b}-{c}", "{a}.{b}.{c}", "1 {a} {b} {c}")

Op = Callable[["AdWriter", Any], None]
Program = tuple[tuple[Op, Any], ...]
Mark = tuple[str, dict[str, Any], str, int, int]  # truth key, values, text, start/end in a run


@dataclass(slots=True)
class Facts:
    """What varies from ad to ad within a template."""

    name: str
    age: int
    city: City
    zip: str
    phone: str | None
    alt_phone: str | None
    handles: tuple[tuple[str, str] | None, ...]  # by the network's handle index
    emails: tuple[str | None, ...]
    date: str


@dataclass(frozen=True, slots=True)
class Compiled:
    """A template and its title and body programs."""

    template: Template
    title: Program
    body: Program


def pick(rng: random.Random, items: tuple[str, ...]) -> str:
    """One item; `random.choice` without its overhead, for the per-ad hot path."""
    return items[int(rng.random() * len(items))]


class AdWriter:
    """Accumulates the text of one ad and the `_truth` lists that point into it."""

    __slots__ = ("facts", "parts", "pos", "rng", "template", "truth")

    def __init__(self, template: Template, facts: Facts, rng: random.Random) -> None:
        self.template = template
        self.facts = facts
        self.rng = rng
        self.parts: list[str] = []
        self.pos = 0
        self.truth: dict[str, list[dict[str, Any]]] = {
            "phones": [], "emails": [], "handles": [], "ages": [], "prices": [],
            "indicators": [], "names": [], "places": [], "negatives": [],
        }  # fmt: skip

    def text(self) -> str:
        """Everything written so far."""
        return "".join(self.parts)

    def add(self, text: str) -> None:
        """Append text."""
        self.parts.append(text)
        self.pos += len(text)

    def record(self, key: str, text: str, values: dict[str, Any]) -> None:
        """Append text and note it, with its span, under `_truth[key]`."""
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        values["text"] = text
        values["start"] = start
        values["end"] = self.pos
        self.truth[key].append(values)

    def run(self, program: Program) -> None:
        """Execute a compiled program."""
        for op, arg in program:
            op(self, arg)

    def phone(self, value: str, style: str | None = None) -> None:
        """A phone number in a random style (or the one given)."""
        if style is None:
            style = PHONE_STYLES[bisect(_STYLE_CUMULATIVE, self.rng.random() * _STYLE_TOTAL)]
        text = render_phone(value, style, self.rng)
        self.record("phones", text, {"value": value, "style": style})

    def site_footer(self, site: int, post_id: str) -> None:
        """The site's own lines: a post id (not a phone) and the site's phone number."""
        _, phone, id_lead, phone_lead = lex.SITES[site]
        if id_lead:
            self.add(f"\n{id_lead} ")
            self.record("negatives", post_id, {"kind": "post_id"})
        if phone_lead:
            digits = phone[2:]
            form = _SITE_PHONE_FORMS[site % len(_SITE_PHONE_FORMS)]
            self.add(f"\n{phone_lead} {form.format(a=digits[:3], b=digits[3:6], c=digits[6:])}")


def write_ad(compiled: Compiled, facts: Facts, rng: random.Random) -> tuple[AdWriter, int]:
    """The ad's title and body written; the writer and the title's length."""
    writer = AdWriter(compiled.template, facts, rng)
    writer.run(compiled.title)
    title_end = writer.pos
    writer.add("\n")
    writer.run(compiled.body)
    return writer, title_end


def compile_template(template: Template, prices: dict[str, int]) -> Compiled:
    """The title and body programs of a template for a network with these prices.

    A network keeps its prices, so its rate lines are fixed text, written like literals.
    """
    title = _program(template.title, template, prices)
    return Compiled(template, title, _program(template.body, template, prices))


def _program(text: str, template: Template, prices: dict[str, int]) -> Program:
    """Literals and fixed values merged into runs; other slots become operations."""
    steps: list[tuple[Op, Any]] = []
    run: list[str] = []
    marks: list[Mark] = []
    size = last = 0
    for match in SLOT.finditer(text):
        literal = text[last : match.start()]
        run.append(literal)
        size += len(literal)
        last = match.end()
        kind, index = match.group(1), int(match.group(2) or 0)
        if kind in ("ind", "neg"):
            size = _mark(run, marks, size, template.fixed[index])
            continue
        if kind == "prices":
            size = _mark_prices(run, marks, size, template, prices)
            continue
        _flush(steps, run, marks)
        run, marks, size = [], [], 0
        steps.append((_SLOTS[kind], index))
    run.append(text[last:])
    _flush(steps, run, marks)
    return tuple(steps)


def _mark(run: list[str], marks: list[Mark], size: int, fixed: tuple[str, str, str]) -> int:
    """Add a fixed indicator or hard negative to the run; the run's new length."""
    kind, code, text = fixed
    key, values = ("indicators", {"code": code}) if kind == "ind" else ("negatives", {"kind": code})
    marks.append((key, values, text, size, size + len(text)))
    run.append(text)
    return size + len(text)


def _flush(steps: list[tuple[Op, Any]], run: list[str], marks: list[Mark]) -> None:
    """Close a run of literal text into a step."""
    text = "".join(run)
    if marks:
        steps.append((_marked, (text, tuple(marks))))
    elif text:
        steps.append((_literal, text))


def _literal(ad: AdWriter, text: str) -> None:
    """Write fixed text."""
    ad.parts.append(text)
    ad.pos += len(text)


def _marked(ad: AdWriter, arg: tuple[str, tuple[Mark, ...]]) -> None:
    """Write fixed text holding indicators, hard negatives or prices, recording each."""
    text, marks = arg
    base = ad.pos
    ad.parts.append(text)
    ad.pos += len(text)
    truth = ad.truth
    for key, values, value, start, end in marks:
        truth[key].append({**values, "text": value, "start": base + start, "end": base + end})


def _name(ad: AdWriter, _: int) -> None:
    """The persona's name."""
    name = ad.facts.name
    ad.record("names", name, {"value": name})


def _name_upper(ad: AdWriter, _: int) -> None:
    """The persona's name in capitals."""
    name = ad.facts.name
    ad.record("names", name.upper(), {"value": name})


def _city(ad: AdWriter, _: int) -> None:
    """The city the ad is posted in."""
    city = ad.facts.city
    ad.record("places", city.name, {"city": city.name, "region": city.region})


def _city_upper(ad: AdWriter, _: int) -> None:
    """The city in capitals."""
    city = ad.facts.city
    ad.record("places", city.name.upper(), {"city": city.name, "region": city.region})


def _zip(ad: AdWriter, _: int) -> None:
    """A ZIP code of the city (a hard negative)."""
    ad.record("negatives", ad.facts.zip, {"kind": "zip"})


def _date(ad: AdWriter, _: int) -> None:
    """A date near the posting day (a hard negative)."""
    ad.record("negatives", ad.facts.date, {"kind": "date"})


def _age(ad: AdWriter, _: int) -> None:
    """The persona's age in the template's wording."""
    age = ad.facts.age
    text = ad.template.age_form.format(n=age, w=lex.AGE_WORDS[age])
    ad.record("ages", text, {"value": age})


def _mark_prices(
    run: list[str], marks: list[Mark], size: int, template: Template, prices: dict[str, int]
) -> int:
    """Add the rate list to the run (with any 🌹 as an indicator); the run's new length."""
    for i, unit in enumerate(template.units):
        if i:
            run.append(template.price_separator)
            size += len(template.price_separator)
        text = template.price_form[unit].format(a=prices[unit])
        values = {"amount": prices[unit], "unit": unit, "currency": "USD"}
        marks.append(("prices", values, text, size, size + len(text)))
        rose = text.find("🌹")
        if rose >= 0:
            marks.append(("indicators", {"code": "emoji.rose"}, "🌹", size + rose, size + rose + 1))
        run.append(text)
        size += len(text)
    return size


def _phone(ad: AdWriter, _: int) -> None:
    """The ad's phone in a random style."""
    if ad.facts.phone is not None:
        ad.phone(ad.facts.phone)


def _phone_alt(ad: AdWriter, _: int) -> None:
    """A second phone, when the ad has one."""
    if ad.facts.alt_phone is not None:
        ad.add(f"{ad.template.separator}{ad.template.leads['phone2']} ")
        ad.phone(ad.facts.alt_phone)


def _lead(ad: AdWriter, kind: str) -> None:
    """The separator and the words before an optional contact line."""
    lead = ad.template.leads[kind]
    ad.add(f"{ad.template.separator}{lead} " if lead else ad.template.separator)


def _handle(ad: AdWriter, index: int) -> None:
    """A handle line; a WhatsApp handle is a phone number and is recorded as both."""
    handle = ad.facts.handles[index] if index < len(ad.facts.handles) else None
    if handle is None:
        return
    _lead(ad, "handle")
    service, value = handle
    form = pick(ad.rng, lex.HANDLE_FORMS[service])
    if service != "whatsapp":
        ad.record("handles", form.format(h=value), {"service": service, "handle": value})
        return
    start = ad.pos
    head, tail = form.split("{p}")
    ad.add(head)
    ad.phone(value, pick(ad.rng, _WHATSAPP_STYLES))
    ad.add(tail)
    text = "".join(ad.parts[-3:])
    ad.truth["handles"].append(
        {"service": service, "handle": value, "text": text, "start": start, "end": ad.pos}
    )


def _email(ad: AdWriter, index: int) -> None:
    """An email line in a random style."""
    email = ad.facts.emails[index] if index < len(ad.facts.emails) else None
    if email is None:
        return
    _lead(ad, "email")
    style = pick(ad.rng, lex.EMAIL_STYLES)
    ad.record("emails", write_email(email, style, ad.rng), {"value": email, "style": style})


def write_email(email: str, style: str, rng: random.Random) -> str:
    """An address written in one of EMAIL_STYLES."""
    local, domain = email.split("@")
    if style == "at_words":
        at, dot = lex.EMAIL_AT_WORDS[int(rng.random() * len(lex.EMAIL_AT_WORDS))]
        return f"{local}{at}{domain.replace('.', dot)}"
    if style == "spaced":
        return f"{local} @ {domain.replace('.', ' . ')}"
    if style == "misspelled":
        return f"{local}@{pick(rng, lex.EMAIL_MISSPELLINGS[domain])}"
    return email


_SLOTS: dict[str, Op] = {
    "name": _name,
    "nameupper": _name_upper,
    "city": _city,
    "cityupper": _city_upper,
    "zip": _zip,
    "date": _date,
    "age": _age,
    "phone": _phone,
    "phonealt": _phone_alt,
    "handle": _handle,
    "email": _email,
}
