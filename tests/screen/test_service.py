"""The screening service over a real database: decisions, quota, tips and leads, watchlists."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.report.corpus import PHONE_A, seed
from threadline.screen import (
    AccountIn,
    AdIn,
    QuotaExceededError,
    ReportIn,
    Screener,
    add_to_watchlist,
    file_report,
    hashed_watchlist,
    screen_ads,
    seconds_to_midnight,
)
from threadline.settings import Settings
from threadline.store import BlobStore, Database
from threadline.store.screen import Platform, create_platform, lead_tips, tip_queue
from threadline.store.tables import ads, audit_log
from threadline.store.tables_screen import screen_requests, screen_usage


@pytest.fixture
def screener(settings: Settings) -> Screener:
    return Screener.from_settings(settings)


def _platform(database: Database, quota: int | None = None, name: str = "listings") -> Platform:
    with database.transaction() as connection:
        return create_platform(connection, name, "admin", quota)[0]


def _count(database: Database, table: object) -> int:
    with database.transaction() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_screening_reads_watchlist_and_networks(
    database: Database, screener: Screener, settings: Settings
) -> None:
    seed(database, BlobStore(settings.blob_dir()))
    add_to_watchlist(database, screener, "email", "ANA@example.com", "seen before", "inv")
    platform = _platform(database)
    ad = AdIn(id="p-1", title="Hello", body="Text 702-555-0142 or ana@example.com")
    [out] = screen_ads(database, screener, platform, [ad], "127.0.0.1")
    assert (out.ad_id, out.decision, out.score) == ("p-1", "block", 5.0)
    assert [r.code for r in out.reasons] == ["rule:watchlist", "rule:juvenile-network"]
    assert (out.watchlist.hit, out.watchlist.kinds) == (True, ["email"])
    assert _count(database, screen_requests) == 1
    with database.transaction() as connection:
        row = connection.execute(select(audit_log).order_by(audit_log.c.seq.desc())).first()
        usage = connection.execute(select(screen_usage.c.ads)).scalar_one()
    assert row is not None
    assert (row.actor, row.action, row.object_id, row.source_ip) == (
        "platform:listings", "screen", out.request_id, "127.0.0.1"
    )  # fmt: skip
    assert usage == 1


def test_quota_refuses_a_batch_that_would_pass_it(database: Database, screener: Screener) -> None:
    platform = _platform(database, quota=3)
    batch = [AdIn(id=str(i), body="hello there") for i in range(2)]
    assert len(screen_ads(database, screener, platform, batch)) == 2
    with pytest.raises(QuotaExceededError) as raised:
        screen_ads(database, screener, platform, batch)
    assert raised.value.status == 429
    assert raised.value.detail == "daily quota of 3 ads reached (2 used)"
    assert _count(database, screen_requests) == 2


def test_seconds_to_midnight() -> None:
    assert seconds_to_midnight(datetime(2026, 11, 24, 23, 59, 30, tzinfo=UTC)) == 30
    assert seconds_to_midnight(datetime(2026, 11, 24, 0, 0, tzinfo=UTC)) == 86400


def _report(ad_id: str, body: str, account: str, phone: str | None = None) -> ReportIn:
    return ReportIn(
        ad=AdIn(id=ad_id, title="Ad", body=body),
        account=AccountIn(account_id=account, phone=phone, email=f"{account}@example.com"),
        reason="suspected trafficking",
    )


def test_reports_sharing_identifiers_become_one_lead(
    database: Database, screener: Screener, settings: Settings
) -> None:
    blobs = BlobStore(settings.blob_dir())
    platform = _platform(database)
    other = _platform(database, name="personals")
    file_report(database, blobs, screener, platform, _report("r1", "Call 702-555-0142", "u1"))
    # Another platform, another account, but the same phone: the same lead.
    file_report(database, blobs, screener, other, _report("x9", "Text 7025550142 now", "z7"))
    file_report(database, blobs, screener, platform, _report("r3", "Fresh 16yo, new", "u3"))
    with database.transaction() as connection:
        queue = tip_queue(connection)
        tips_of_first = lead_tips(connection, queue[1].id)
        stored = connection.execute(select(func.count()).select_from(ads)).scalar_one()
    assert [(lead.tips, lead.juvenile) for lead in queue] == [(1, True), (2, False)]
    assert [t.platform_id for t in tips_of_first] == [platform.id, other.id]
    assert stored == 3
    sealed = tips_of_first[0].account_enc
    assert "u1@example.com" not in sealed
    assert screener.cipher.decrypt(sealed, "tips.account").startswith('{"account_id":"u1"')


def test_the_same_account_reported_twice_is_one_lead(
    database: Database, screener: Screener, settings: Settings
) -> None:
    blobs = BlobStore(settings.blob_dir())
    platform = _platform(database)
    file_report(database, blobs, screener, platform, _report("r1", "Nice day", "u1"))
    file_report(database, blobs, screener, platform, _report("r2", "Sunny", "u1"))
    with database.transaction() as connection:
        assert [lead.tips for lead in tip_queue(connection)] == [2]


def test_hashed_watchlist_uses_the_platform_key_and_no_plain_values(
    database: Database, screener: Screener
) -> None:
    add_to_watchlist(database, screener, "phone", "702-555-0142", "", "inv")
    add_to_watchlist(database, screener, "handle", "kik:ana_x", "", "inv")
    first, second = _platform(database), _platform(database, name="other")
    download = hashed_watchlist(database, screener, first)
    key = bytes.fromhex(download.key)
    assert [(e.kind, e.hash) for e in download.entries] == sorted(
        [
            ("handle", hmac.new(key, b"handle:kik:ana_x", hashlib.sha256).hexdigest()),
            ("phone", hmac.new(key, f"phone:{PHONE_A}".encode(), hashlib.sha256).hexdigest()),
        ]
    )
    assert PHONE_A not in download.model_dump_json()
    assert hashed_watchlist(database, screener, second).key != download.key
