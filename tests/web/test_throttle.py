"""The per-address login throttle: a sliding window, bounded memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from threadline.web.throttle import LoginThrottle

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_the_window_slides() -> None:
    throttle = LoginThrottle(limit=3, window=timedelta(minutes=15))
    for minute in (0, 5, 10):
        assert throttle.blocked("10.0.0.1", T0 + timedelta(minutes=minute)) is False
        throttle.failed("10.0.0.1", T0 + timedelta(minutes=minute))
    assert throttle.blocked("10.0.0.1", T0 + timedelta(minutes=14)) is True
    assert throttle.blocked("10.0.0.2", T0 + timedelta(minutes=14)) is False
    assert throttle.blocked("10.0.0.1", T0 + timedelta(minutes=15)) is False
