"""The per-key token bucket: bursts, refill and the Retry-After it computes."""

from __future__ import annotations

from threadline.screen import RateLimiter


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_refusal_then_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.take(1) for _ in range(4)] == [0, 0, 0, 1]
    clock.now = 0.5  # one token back at 2/s
    assert [limiter.take(1), limiter.take(1)] == [0, 1]


def test_keys_have_separate_buckets() -> None:
    limiter = RateLimiter(rate=1.0, burst=1, clock=Clock())
    assert [limiter.take(1), limiter.take(2), limiter.take(1)] == [0, 0, 1]


def test_retry_after_rounds_up_whole_seconds() -> None:
    limiter = RateLimiter(rate=0.25, burst=1, clock=Clock())
    assert [limiter.take(7), limiter.take(7)] == [0, 4]
