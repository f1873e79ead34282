"""Writes one ad from a template and the ad's facts, recording every planted span."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from threadline.synth import _lexicon as lex
from threadline.synth._phones import PHONE_STYLES, render_phone
from threadline.synth._places import City
from threadline.synth._templates import Line, Template

# Plain numbers dominate real ads; every obscured style still shows up in a few percent.
_STYLE_WEIGHTS = tuple(
    30 if s == "plain" else 10 if s == "international" else 4.6 for s in PHONE_STYLES
)
_STYLE_CUMULATIVE = tuple(sum(_STYLE_WEIGHTS[: i + 1]) for i in range(len(_STYLE_WEIGHTS)))
_WHATSAPP_STYLES = ("plain", "international")
_SITE_PHONE_FORMS = ("1-{a}-{b}-{c}", "({a}) {b}-{c}", "{a}.{b}.{c}", "1 {a} {b} {c}")


@dataclass(frozen=True, slots=True)
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
    prices: dict[str, int]
    date: str


class AdWriter:
    """Accumulates the text of one ad and the `_truth` lists that point into it."""

    def __init__(self, template: Template, facts: Facts, rng: random.Random) -> None:
        self.template = template
        self.facts = facts
        self.rng = rng
        self.parts: list[str] = []
        self.pos = 0
        self.upper = False
        self.truth: dict[str, list[dict[str, Any]]] = {
            key: []
            for key in (
                "phones", "emails", "handles", "ages", "prices",
                "indicators", "names", "places", "negatives",
            )
        }  # fmt: skip

    def text(self) -> str:
        """Everything written so far."""
        return "".join(self.parts)

    def add(self, text: str) -> tuple[int, int]:
        """Append text; its span."""
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        return start, self.pos

    def record(self, key: str, text: str, **values: Any) -> None:
        """Append text and note it, with its span, under `_truth[key]`."""
        start, end = self.add(text)
        self.truth[key].append({**values, "text": text, "start": start, "end": end})

    def write_title(self) -> int:
        """The title line; its length."""
        self.line(self.template.title)
        return self.pos

    def write_body(self, lines: tuple[Line, ...], separator: str) -> None:
        """Body lines joined by `separator`; lines that come out empty are left out."""
        joiner = ""
        for line in lines:
            count, pos = len(self.parts), self.pos
            self.add(joiner)
            self.line(line)
            if self.pos == pos + len(joiner):
                del self.parts[count:]
                self.pos = pos
            else:
                joiner = separator

    def line(self, line: Line) -> None:
        """One line: literal pieces as they are, slots filled from the facts."""
        self.upper = line.upper
        for piece in line.pieces:
            if isinstance(piece, str):
                self.add(piece)
            else:
                _SLOTS[piece[0]](self, piece[1])

    def phone(self, value: str, style: str | None = None) -> None:
        """A phone number in a random style (or the one given)."""
        if style is None:
            style = self.rng.choices(PHONE_STYLES, cum_weights=_STYLE_CUMULATIVE)[0]
        self.record("phones", render_phone(value, style, self.rng), value=value, style=style)

    def site_footer(self, post_id: str | None, site_phone: str | None) -> None:
        """The site's own lines: a post id (not a phone) and the site's phone number."""
        if post_id is not None:
            self.add(f"\n{lex.FOOTER_ID_LEADS[len(post_id) % 4]} ")
            self.record("negatives", post_id, kind="post_id")
        if site_phone is not None:
            self.add(f"\n{self.rng.choice(lex.SITE_PHONE_LEADS)} ")
            digits = site_phone[2:]
            form = self.rng.choice(_SITE_PHONE_FORMS)
            self.add(form.format(a=digits[:3], b=digits[3:6], c=digits[6:]))


def _name(ad: AdWriter, _: int) -> None:
    name = ad.facts.name
    ad.record("names", name.upper() if ad.upper else name, value=name)


def _city(ad: AdWriter, _: int) -> None:
    city = ad.facts.city
    text = city.name.upper() if ad.upper else city.name
    ad.record("places", text, city=city.name, region=city.region)


def _zip(ad: AdWriter, _: int) -> None:
    ad.record("negatives", ad.facts.zip, kind="zip")


def _date(ad: AdWriter, _: int) -> None:
    ad.record("negatives", ad.facts.date, kind="date")


def _age(ad: AdWriter, _: int) -> None:
    age = ad.facts.age
    text = ad.template.age_form.format(n=age, w=lex.AGE_WORDS[age])
    ad.record("ages", text, value=age)


def _prices(ad: AdWriter, _: int) -> None:
    template = ad.template
    for i, unit in enumerate(template.units):
        if i:
            ad.add(template.price_separator)
        amount = ad.facts.prices[unit]
        text = template.price_form[unit].format(a=amount)
        ad.record("prices", text, amount=amount, unit=unit, currency="USD")
        _rose_inside(ad, text)


def _rose_inside(ad: AdWriter, text: str) -> None:
    at = text.find("🌹")
    if at >= 0:
        start = ad.pos - len(text) + at
        ad.truth["indicators"].append(
            {"code": "emoji.rose", "text": "🌹", "start": start, "end": start + 1}
        )


def _phone(ad: AdWriter, _: int) -> None:
    if ad.facts.phone is not None:
        ad.phone(ad.facts.phone)


def _phone_alt(ad: AdWriter, _: int) -> None:
    if ad.facts.alt_phone is not None:
        ad.add(ad.template.leads["phone2"] + " ")
        ad.phone(ad.facts.alt_phone)


def _lead(ad: AdWriter, kind: str) -> None:
    lead = ad.template.leads[kind]
    if lead:
        ad.add(lead + " ")


def _handle(ad: AdWriter, index: int) -> None:
    handle = ad.facts.handles[index] if index < len(ad.facts.handles) else None
    if handle is None:
        return
    _lead(ad, "handle")
    service, value = handle
    form = ad.rng.choice(lex.HANDLE_FORMS[service])
    if service != "whatsapp":
        ad.record("handles", form.format(h=value), service=service, handle=value)
        return
    start = ad.pos
    head, tail = form.split("{p}")
    ad.add(head)
    ad.phone(value, ad.rng.choice(_WHATSAPP_STYLES))
    ad.add(tail)
    text = "".join(ad.parts[-3:])
    ad.truth["handles"].append(
        {"service": service, "handle": value, "text": text, "start": start, "end": ad.pos}
    )


def _email(ad: AdWriter, index: int) -> None:
    email = ad.facts.emails[index] if index < len(ad.facts.emails) else None
    if email is None:
        return
    _lead(ad, "email")
    style = ad.rng.choice(lex.EMAIL_STYLES)
    ad.record("emails", write_email(email, style, ad.rng), value=email, style=style)


def write_email(email: str, style: str, rng: random.Random) -> str:
    """An address written in one of EMAIL_STYLES."""
    local, domain = email.split("@")
    if style == "at_words":
        at, dot = rng.choice(lex.EMAIL_AT_WORDS)
        return f"{local}{at}{domain.replace('.', dot)}"
    if style == "spaced":
        return f"{local} @ {domain.replace('.', ' . ')}"
    if style == "misspelled":
        return f"{local}@{rng.choice(lex.EMAIL_MISSPELLINGS[domain])}"
    return email


def _fixed(ad: AdWriter, index: int) -> None:
    kind, code, text = ad.template.fixed[index]
    if kind == "ind":
        ad.record("indicators", text, code=code)
    else:
        ad.record("negatives", text, kind=code)


_SLOTS: dict[str, Callable[[AdWriter, int], None]] = {
    "name": _name,
    "city": _city,
    "zip": _zip,
    "date": _date,
    "age": _age,
    "prices": _prices,
    "phone": _phone,
    "phonealt": _phone_alt,
    "handle": _handle,
    "email": _email,
    "ind": _fixed,
    "neg": _fixed,
}
