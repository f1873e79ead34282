"""Console latency on a large corpus: search p95, a 500-ad network page, the dashboard.

    python benchmarks/console.py --ads 1000000                 # SQLite in a temp folder
    python benchmarks/console.py --ads 1000000 --url postgresql+psycopg://…/bench

The corpus is bulk-inserted straight into the tables (ads, risk, identifiers with their
evidence, findings, networks, memberships), not generated and analyzed: that would take hours
on a small machine. Requests go through the real app (login, roles, audit) with TestClient;
each figure is the median of `--runs` rounds, each round a p95 over its requests.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert, text
from sqlalchemy.dialects.postgresql import insert as pg_insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.web.accounts import Clock, add_user, app_with_clock, login
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.accounts import Role
from threadline.store.ads import index_new_ads
from threadline.store.tables import (
    ad_identifiers,
    ad_risk,
    ads,
    findings,
    identifiers,
    memberships,
    networks,
    sources,
)

CITIES = [
    ("Las Vegas", "NV"), ("Phoenix", "AZ"), ("Chicago", "IL"), ("Houston", "TX"),
    ("Miami", "FL"), ("Atlanta", "GA"), ("Denver", "CO"), ("Seattle", "WA"),
    ("Boston", "MA"), ("Dallas", "TX"), ("Memphis", "TN"), ("Portland", "OR"),
]  # fmt: skip
_COMMON_TEXT = (
    "sweet new fresh town discreet young available tonight latina asian real quiet company "
    "visiting student relax friendly classy petite upscale outcall incall weekend special"
)
COMMON = _COMMON_TEXT.split()
_SYLLABLE_TEXT = "ka lo mi ra ne su ti va de zo ly an be co fi gu ho ja ku"
SYLLABLES = _SYLLABLE_TEXT.split()
# A Zipf-like vocabulary: 24 common words, then 6,859 made-up words of falling frequency,
# so a search word matches from a few ads to half the corpus, as in real text.
WORDS = COMMON + [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES][:8000]
WEIGHTS = [1.0 / (rank + 1) ** 0.9 for rank in range(len(WORDS))]
CUMULATIVE = list(itertools.accumulate(WEIGHTS))
INDICATORS = ("youth.fresh", "youth.young", "trust.discreet", "movement.new_in_town")
START = datetime(2026, 1, 1, tzinfo=UTC)
CHUNK = 20_000
BIG_NETWORK = 500


def phone_of(number: int) -> str:
    """A fictional E.164 phone for a number 0..N."""
    return f"+1{200 + number // 10000 % 800:03d}555{number % 10000:04d}"


def ad_rows(start: int, count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Ad rows with text, a city and a time."""
    for row_id in range(start, start + count):
        city, region = CITIES[row_id % len(CITIES)]
        words = " ".join(rng.choices(WORDS, cum_weights=CUMULATIVE, k=18))
        yield {
            "id": row_id, "source_id": 1, "ext_id": f"b{row_id}", "site": "bench",
            "url": None, "title": f"{rng.choice(COMMON)} {rng.choice(WORDS)} in {city}",
            "body": f"{words} call {phone_of(row_id // 7)}", "posted_at":
            START + timedelta(minutes=row_id * 17 % 400_000), "city": city, "region": region,
            "country": "US", "extra": {}, "content_hash": "0" * 64, "version": 1,
            "first_seen": START, "last_seen": START, "removed_at": None,
        }  # fmt: skip


def build(db: Database, total: int, seed: int = 7) -> None:
    """Bulk-insert a corpus: one phone per 7 ads, a network per phone, one of 500 ads."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with db.transaction() as connection:
        connection.execute(insert(sources).values(id=1, name="bench", created_at=now))
    for start in range(1, total + 1, CHUNK):
        count = min(CHUNK, total + 1 - start)
        with db.transaction() as connection:
            _chunk(connection, start, count, rng, now)
    with db.transaction() as connection:
        _networks(connection, total, now)
    if db.dialect == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()


def _chunk(connection: Any, start: int, count: int, rng: random.Random, now: datetime) -> None:
    connection.execute(insert(ads), list(ad_rows(start, count, rng)))
    index_new_ads(connection, start, start + count - 1)
    ids = range(start, start + count)
    _identifiers(connection, sorted({_phone_number(i) for i in ids}))
    connection.execute(
        insert(ad_identifiers),
        [{"ad_id": i, "identifier_id": _phone_number(i) + 1, "start": 0, "end": 12,
          "text": phone_of(_phone_number(i)), "source": "phones@1"} for i in ids],
    )  # fmt: skip
    connection.execute(
        insert(ad_risk),
        [{"ad_id": i, "score": (i * 7919) % 200 / 10, "level": _level(i), "juvenile": i % 97 == 0,
          "reasons": {"risk": [], "juvenile": []}, "content_hash": "0" * 64,
          "analyzed_at": now} for i in ids],
    )  # fmt: skip
    connection.execute(
        insert(findings),
        [{"ad_id": i, "kind": "indicator:" + code.split(".")[0], "value": code, "start": 0,
          "end": 4, "text": "word", "source": "indicators@1", "attrs": {}}
         for i in ids if i % 5 < 4 for code in (INDICATORS[i % 5],)],
    )  # fmt: skip


def _identifiers(connection: Any, phones: list[int]) -> None:
    rows = [
        {"id": p + 1, "kind": "phone", "value": phone_of(p), "keyed_hash": "0" * 64} for p in phones
    ]
    if connection.dialect.name == "postgresql":
        connection.execute(pg_insert(identifiers).on_conflict_do_nothing(), rows)
    else:
        connection.execute(insert(identifiers).prefix_with("OR IGNORE"), rows)


def _phone_number(row_id: int) -> int:
    return row_id // 7 if row_id > BIG_NETWORK else 10**7  # the first 500 ads share one phone


def _level(row_id: int) -> str:
    score = (row_id * 7919) % 200 / 10
    return "high" if score >= 12 else "medium" if score >= 5 else "low"


def _networks(connection: Any, total: int, now: datetime) -> None:
    """Network per phone (ads 1-500 form one big network)."""
    groups: dict[int, list[int]] = {}
    for i in range(1, total + 1):
        groups.setdefault(_phone_number(i), []).append(i)
    rows, members = [], []
    for number, ids in groups.items():
        net = f"NB{number:08d}"
        label = f"phone:{phone_of(number)}"
        rows.append({"id": net, "size": len(ids), "first_seen": START, "last_seen": START,
                     "risk_max": (number * 31) % 200 / 10, "juvenile": number % 13 == 0,
                     "summary": {"ads": [str(i) for i in ids[:50]], "identifiers": [label],
                                 "names": [], "cities": [], "templates": [], "images": []},
                     "updated_at": now})  # fmt: skip
        members += [{"ad_id": i, "network_id": net, "via": [label]} for i in ids]
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(networks), rows[start : start + CHUNK])
    for start in range(0, len(members), CHUNK):
        connection.execute(insert(memberships), members[start : start + CHUNK])


def p95(samples: list[float]) -> float:
    """95th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def timed(call: Callable[[], Any]) -> float:
    """Seconds one call takes; fails on a non-200 answer."""
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return elapsed


def searches(rng: random.Random, total: int) -> list[str]:
    """A mix of analyst searches: phones in several formats, words, filters, sorts."""
    found = []
    for _ in range(10):
        number = rng.randrange(BIG_NETWORK, total) // 7
        digits = phone_of(number)[2:]
        word, other = rng.choice(WORDS[25:]), rng.choice(WORDS[25:])
        found.append(f"/search?phone=({digits[:3]}) {digits[3:6]}-{digits[6:]}")
        found.append(f"/search?q={word}+{other}")
        found.append(f"/search?q={word}&sort=risk&risk=high")
        found.append(f"/search?city={rng.choice(CITIES)[0]}&indicator=youth.fresh&sort=newest")
        found.append(f"/search?q={other}&date_from=2026-03-01&date_to=2026-03-31")
    return found


def common_searches(rng: random.Random) -> list[str]:
    """The worst case: words in a third to half of all ads, ranked and sorted by risk."""
    found = []
    for _ in range(10):
        word = rng.choice(COMMON[:5])
        found += [f"/search?q={word}", f"/search?q={word}&sort=risk&risk=high"]
    return found


def measure(client: Any, total: int, runs: int) -> dict[str, tuple[float, float]]:
    """Median over rounds of each round's p95 (searches) or time (pages), with the median
    CPU seconds per request of this process (app and client; PostgreSQL's own is not in it)."""
    rng = random.Random(11)
    queries, common = searches(rng, total), common_searches(rng)
    big = f"/networks/NB{10**7:08d}"
    names = ("search_p95", "common_p95", "network_500", "dashboard_cold", "dashboard_warm")
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    client.get(queries[0])  # imports and first-use setup (the city gazetteer too)
    client.get(big)

    def round_of(name: str, paths: list[str], reduce: Callable[[list[float]], float]) -> None:
        cpu = time.process_time()
        walls = [timed(lambda q=q: client.get(q)) for q in paths]
        figures[name].append((reduce(walls), (time.process_time() - cpu) / len(paths)))

    for _ in range(runs):
        client.app.state.console_cache = None  # a cold dashboard, as after an ingest
        round_of("dashboard_cold", ["/"], statistics.median)
        round_of("dashboard_warm", ["/"], statistics.median)
        round_of("search_p95", queries, p95)
        round_of("common_p95", common, p95)
        round_of("network_500", [big], statistics.median)
    return {
        name: (statistics.median(w for w, _ in found), statistics.median(c for _, c in found))
        for name, found in figures.items()
    }


def main() -> None:
    """Build the corpus, log in, time the pages, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=200_000)
    parser.add_argument("--url", default="")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="threadline-console-bench-"))
    settings = Settings(data_dir=folder, secret_key="bench")  # type: ignore[call-arg]
    db = Database(args.url or f"sqlite:///{folder / 'bench.db'}")
    db.migrate()
    started = time.perf_counter()
    if db.ad_count() == args.ads:  # a corpus built by an earlier run (`--url` of a kept db)
        print(f"engine {db.dialect}, {args.ads:,} ads already there")
    else:
        build(db, args.ads)
        print(
            f"engine {db.dialect}, {args.ads:,} ads built in {time.perf_counter() - started:.0f} s"
        )
    clock = Clock(datetime.now(UTC))
    name = f"bench-{os.getpid()}"  # a kept database already has earlier runs' users
    secret = add_user(db, settings, name, Role.ANALYST, clock)
    client = TestClient(app_with_clock(settings, db, clock))
    login(client, name, secret, clock)
    for name, (wall, cpu) in measure(client, args.ads, args.runs).items():
        print(f"{name:15} {wall * 1000:6.0f} ms wall {cpu * 1000:6.0f} ms CPU per request")
    print(f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
