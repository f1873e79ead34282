"""Where a network or a phone was advertised, in order: stops, circuits and city-to-city flows."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from threadline.link._build import network_id
from threadline.link._state import LinkState

CIRCUIT_WINDOW = timedelta(days=30)
CIRCUIT_CITIES = 3

Sighting = tuple[datetime, str]  # when, city


@dataclass(frozen=True, slots=True)
class Stop:
    """A stay in one city: consecutive ads there, first and last seen."""

    city: str
    first: datetime
    last: datetime
    ads: int


@dataclass(frozen=True, slots=True)
class Circuit:
    """Three or more distinct cities visited within the window, in order of arrival."""

    cities: tuple[str, ...]
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Movement:
    """The itinerary of one network or phone (`key` is `network:N…` or `phone:+1…`)."""

    key: str
    stops: tuple[Stop, ...]
    circuits: tuple[Circuit, ...]


@dataclass(frozen=True, slots=True)
class Flow:
    """How many times an itinerary went from one city straight to another."""

    source: str
    target: str
    moves: int


def itinerary(sightings: Iterable[Sighting]) -> tuple[Stop, ...]:
    """Sightings in time order, consecutive ones in the same city merged into one stop."""
    stops: list[Stop] = []
    for when, city in sorted(sightings):
        if stops and stops[-1].city == city:
            last = stops[-1]
            stops[-1] = Stop(city, last.first, when, last.ads + 1)
        else:
            stops.append(Stop(city, when, when, 1))
    return tuple(stops)


def circuits(
    stops: Sequence[Stop], window: timedelta = CIRCUIT_WINDOW, minimum: int = CIRCUIT_CITIES
) -> tuple[Circuit, ...]:
    """Maximal runs of stops arriving within `window` of the first that visit `minimum`+ cities.

    Runs do not overlap: after a circuit the search resumes at the stop that ended it.
    """
    found: list[Circuit] = []
    start = 0
    while start < len(stops):
        end = start
        while end + 1 < len(stops) and stops[end + 1].first - stops[start].first <= window:
            end += 1
        cities = tuple(dict.fromkeys(stop.city for stop in stops[start : end + 1]))
        if len(cities) >= minimum:
            found.append(Circuit(cities, stops[start].first, stops[end].last))
            start = end + 1
        else:
            start += 1
    return tuple(found)


def movement(key: str, sightings: Iterable[Sighting]) -> Movement:
    """The itinerary and circuits of one network or phone."""
    stops = itinerary(sightings)
    return Movement(key, stops, circuits(stops))


def _sightings(state: LinkState, ads: Iterable[int]) -> list[Sighting]:
    table = state.ads
    return [
        (when, city)
        for ad in ads
        if (when := table.times[ad]) is not None and (city := table.cities[ad]) is not None
    ]


def network_movements(state: LinkState) -> tuple[Movement, ...]:
    """Itineraries of networks seen in two or more cities, by network id."""
    members: defaultdict[int, list[int]] = defaultdict(list)
    for ad in range(len(state.ads)):
        members[state.network_root(ad)].append(ad)
    found = [
        movement(f"network:{network_id(state, ads[0])}", _sightings(state, ads))
        for ads in members.values()
        if len(ads) > 1
    ]
    return tuple(sorted((m for m in found if len(m.stops) > 1), key=lambda m: m.key))


def phone_movements(state: LinkState) -> tuple[Movement, ...]:
    """Itineraries of phones (not set aside) seen in two or more cities, by phone."""
    groups = state.identifiers
    found = [
        movement(groups.label(root), _sightings(state, groups.ads(root)))
        for root in groups.linked_roots()
        if groups.label(root).startswith("phone:") and not state.rule.is_set_aside(groups, root)
    ]
    return tuple(sorted((m for m in found if len(m.stops) > 1), key=lambda m: m.key))


def city_flows(movements: Iterable[Movement]) -> tuple[Flow, ...]:
    """City-to-city moves counted over itineraries, most frequent first."""
    counts: Counter[tuple[str, str]] = Counter()
    for item in movements:
        for before, after in zip(item.stops, item.stops[1:], strict=False):
            counts[before.city, after.city] += 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(Flow(source, target, moves) for (source, target), moves in ordered)
