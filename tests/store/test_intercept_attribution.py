"""A conversation is attributed to the decoy ad posted most recently before it, else the first."""

from __future__ import annotations

from datetime import UTC, datetime

from threadline.store.intercept import attribute

JAN, FEB, MAR = (datetime(2026, month, 1, tzinfo=UTC) for month in (1, 2, 3))


def test_the_latest_ad_before_the_message_wins_and_ties_go_to_the_higher_id() -> None:
    ads = [(JAN, 1), (FEB, 2), (FEB, 3), (MAR, 4)]
    assert attribute(ads, datetime(2026, 2, 15, tzinfo=UTC)) == 3
    assert attribute(ads, MAR) == 4


def test_before_every_ad_the_first_ad_and_without_ads_none() -> None:
    assert attribute([(FEB, 2), (MAR, 4)], JAN) == 2
    assert attribute([], JAN) is None


def test_sqlite_times_without_a_zone_are_read_as_utc() -> None:
    stored = [(JAN.replace(tzinfo=None), 1), (MAR.replace(tzinfo=None), 4)]
    assert attribute(stored, FEB) == 1
