"""Page contexts: each calls the store and the capability packages, and returns plain data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from threadline.link import (
    Movement,
    Stop,
    Template,
    circuits,
    city_flows,
    gini,
    itinerary,
    link_ads,
    lorenz,
)
from threadline.store import console as repo
from threadline.store.console_terms import terms_state, top_corpus_terms
from threadline.store.faces import list_candidates
from threadline.web.console._cache import CorpusCache
from threadline.web.console._geo import locate
from threadline.web.console._highlight import runs

ACTIVITY_WINDOW = timedelta(days=7)
TOP_TERMS = 40
TEMPLATE_SAMPLE = 60
TOP_PHONES = (10, 100, 1000)


def dashboard_page(
    connection: Connection, owner: str, now: datetime, cache: CorpusCache
) -> dict[str, Any]:
    """Volume by week and city, riskiest networks, juvenile flags, faces, bot, alerts."""
    stamp = repo.corpus_stamp(connection)
    return {
        "board": cache.get("dashboard", stamp, lambda: repo.dashboard(connection)),
        "faces": list_candidates(connection, "pending", 5),
        "activity": repo.intercept_activity(connection, now - ACTIVITY_WINDOW),
        "alerts": repo.saved_search_alerts(connection, owner),
    }


def ad_page(connection: Connection, ad_id: int) -> dict[str, Any]:
    """An ad with its text cut into highlighted runs."""
    detail = repo.ad_detail(connection, ad_id)
    reasons = detail.risk.reasons if detail.risk is not None else {"risk": [], "juvenile": []}
    return {"ad": detail, "runs": runs(detail.text, detail.findings), "reasons": reasons}


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A stop on the map."""

    city: str
    lat: float
    lon: float
    ads: int
    order: int


def network_page(connection: Connection, network_id: str) -> dict[str, Any]:
    """A network's graph, template, movement, names, prices, risk and members."""
    data = repo.network_data(connection, network_id)
    summary = dict(data.row.summary)
    regions = {m.city: m.region for m in data.members if m.city}
    stops = itinerary((m.posted_at, m.city) for m in data.members if m.posted_at and m.city)
    return {
        "network": data.row,
        "summary": summary,
        "data": data,
        "graph": graph_elements(data.via, {m.id: m for m in data.members}),
        "templates": network_templates(data.evidence, summary.get("templates", [])),
        "stops": stops,
        "circuits": circuits(stops),
        "points": [asdict(p) for p in map_points(stops, regions)],
    }


def graph_elements(
    via: dict[int, tuple[str, ...]], members: dict[int, repo.AdRow]
) -> list[dict[str, Any]]:
    """Cytoscape elements: ad nodes, evidence nodes, and an edge per `via` label."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []
    for ad_id, labels in via.items():
        member = members.get(ad_id)
        level = member.level if member and member.level else "none"
        nodes[f"ad{ad_id}"] = {"id": f"ad{ad_id}", "label": f"ad {ad_id}", "kind": "ad"}
        nodes[f"ad{ad_id}"]["level"] = level
        for label in labels:
            kind = label.split(":", 1)[0]
            nodes.setdefault(label, {"id": label, "label": label, "kind": kind, "level": "none"})
            edges.append({"id": f"{ad_id}|{label}", "source": f"ad{ad_id}", "target": label})
            edges[-1]["label"] = kind
    return [{"data": n} for n in nodes.values()] + [{"data": e} for e in edges]


def network_templates(evidence: Sequence[Any], wanted: Iterable[str]) -> list[Template]:
    """The network's text templates, described from an even sample of its members' texts."""
    if len(evidence) < 2:
        return []
    step = max(1, len(evidence) // TEMPLATE_SAMPLE)
    found = link_ads(evidence[::step][:TEMPLATE_SAMPLE]).templates
    names = set(wanted)
    chosen = [t for t in found if t.id in names]
    return chosen or list(found[:2])


def map_points(stops: Sequence[Stop], regions: dict[str, str | None]) -> list[MapPoint]:
    """Stops with coordinates, in order of arrival (cities not in the gazetteer left out)."""
    points: list[MapPoint] = []
    for order, stop in enumerate(stops, start=1):
        where = locate(stop.city, regions.get(stop.city))
        if where is not None:
            points.append(MapPoint(stop.city, where[0], where[1], stop.ads, order))
    return points


def stats_page(connection: Connection, cache: CorpusCache) -> dict[str, Any]:
    """Corpus statistics, computed once per corpus state (see `corpus_stats_page`)."""
    stamp = repo.corpus_stamp(connection)
    return cache.get("stats", stamp, lambda: corpus_stats_page(connection))


def corpus_stats_page(connection: Connection) -> dict[str, Any]:
    """Concentration over phones, Lorenz curve, terms and emoji, city flows."""
    ads, counts = repo.phone_ad_counts(connection)
    covered = {n: repo.ads_covered_by_top_phones(connection, n) for n in TOP_PHONES}
    flows = city_flows(network_itineraries(repo.network_sightings(connection)))
    return {
        "ads": ads,
        "phones": len(counts),
        "gini": gini(counts),
        "lorenz": lorenz(counts),
        "top_share": [(n, covered[n] / ads if ads else 0.0) for n in TOP_PHONES],
        "terms": top_corpus_terms(connection, "term", TOP_TERMS),
        "emoji": top_corpus_terms(connection, "emoji", TOP_TERMS),
        "terms_state": terms_state(connection),
        "flows": flows[:40],
    }


def network_itineraries(sightings: Iterable[tuple[str, datetime, str]]) -> list[Movement]:
    """One itinerary per network from (network, when, city) rows; one-city networks left out."""
    grouped: defaultdict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for network, when, city in sightings:
        grouped[network].append((when, city))
    found = []
    for network, seen in sorted(grouped.items()):
        stops = itinerary(seen)
        if len(stops) > 1:
            found.append(Movement(f"network:{network}", stops, circuits(stops)))
    return found


def now_utc() -> datetime:
    """The current UTC time."""
    return datetime.now(UTC)
