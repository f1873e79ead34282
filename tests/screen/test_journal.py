"""Group commit and the in-memory views: what they write, when they reload."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from tests.report.corpus import PHONE_A, PHONE_B, seed
from threadline.screen import Journal, Screener, add_to_watchlist
from threadline.screen._journal import Record, write_records
from threadline.screen._watchcache import NetworkCache, WatchCache
from threadline.settings import Settings
from threadline.store import BlobStore, Database, keyed_hash
from threadline.store.screen import create_platform, usage_if_active, usage_on
from threadline.store.tables import audit_log
from threadline.store.tables_screen import screen_requests

DAY = date(2026, 11, 24)


def _record(platform_id: int, request_id: str, ip: str = "127.0.0.1") -> Record:
    row = {
        "id": request_id,
        "platform_id": platform_id,
        "at": DAY,
        "ad_hash": "0" * 64,
        "decision": "allow",
        "score": 0.0,
        "rules_version": "v1",
        "watchlist_hit": False,
    }
    return Record(platform_id, "listings", ip, DAY, (row,), "v1")


def test_a_group_shares_one_audit_row_per_platform_and_peer(database: Database) -> None:
    with database.transaction() as connection:
        platform = create_platform(connection, "listings", "admin")[0]
        records = [_record(platform.id, f"r{i}") for i in range(3)]
        records.append(_record(platform.id, "r3", ip="10.0.0.9"))
        write_records(connection, records)
        audits = connection.execute(
            select(audit_log.c.action, audit_log.c.source_ip, audit_log.c.detail)
            .where(audit_log.c.actor == "platform:listings")
            .order_by(audit_log.c.seq)
        ).all()
        logged = connection.execute(select(func.count()).select_from(screen_requests)).scalar()
        used = usage_on(connection, platform.id, DAY)
    assert (logged, used) == (4, 4)
    assert [(a, ip) for a, ip, _ in audits] == [("screen", "127.0.0.1"), ("screen", "10.0.0.9")]
    assert '"requests":["r0","r1","r2"]' in audits[0][2]


def test_concurrent_writes_are_all_committed(database: Database) -> None:
    with database.transaction() as connection:
        platform = create_platform(connection, "listings", "admin")[0]
    journal = Journal(database)
    threads = [
        threading.Thread(target=journal.write, args=(_record(platform.id, f"t{i}"),))
        for i in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with database.engine.connect() as connection:
        assert usage_on(connection, platform.id, DAY) == 20
        assert usage_if_active(connection, platform.id, DAY) == 20
    assert journal.in_flight(platform.id, DAY) == 0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_watch_cache_reloads_after_its_ttl_or_an_invalidation(
    database: Database, settings: Settings
) -> None:
    screener = Screener.from_settings(settings)
    clock = Clock()
    cache = WatchCache(ttl=5.0, clock=clock)
    hashed = keyed_hash(screener.secret, "phone", PHONE_A)
    with database.engine.connect() as connection:
        assert cache.kinds(connection, [hashed]) == []
    add_to_watchlist(database, screener, "phone", PHONE_A, "", "inv")
    with database.engine.connect() as connection:
        assert cache.kinds(connection, [hashed]) == []  # still the cached view
        clock.now = 5.0
        assert cache.kinds(connection, [hashed]) == ["phone"]
    cache.invalidate()


def test_network_cache_summarizes_the_networks_of_identifiers(
    database: Database, settings: Settings
) -> None:
    seed(database, BlobStore(settings.blob_dir()))
    cache = NetworkCache(ttl=60.0, clock=Clock())
    with database.engine.connect() as connection:
        first = cache.match(connection, [("phone", PHONE_A), ("phone", PHONE_B)])
        again = cache.match(connection, [("phone", PHONE_A)])
        none = cache.match(connection, [("email", "nobody@example.com")])
    assert (first.networks, first.max_size, first.juvenile, first.risk_max) == (1, 2, True, 12.0)
    assert again == first
    assert none.networks == 0
