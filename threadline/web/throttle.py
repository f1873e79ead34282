"""Per-address login throttle: stops password spraying across many accounts from one place.

The per-account lockout stops guessing at one account; this stops one address from trying
a few passwords on every account. It lives in the process (a restart forgets it), which is
enough to slow a spray to a crawl without a table of its own.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from threading import Lock

MAX_FAILURES = 20
WINDOW = timedelta(minutes=15)
MAX_ADDRESSES = 100_000  # bound the memory an attacker with many addresses can take


class LoginThrottle:
    """Counts failed logins per client address in a sliding window."""

    def __init__(self, limit: int = MAX_FAILURES, window: timedelta = WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = Lock()  # route functions run in a thread pool

    def blocked(self, address: str, now: datetime) -> bool:
        """True when the address has used up its failures for the window."""
        with self._lock:
            times = self._failures.get(address)
            if times is None:
                return False
            while times and now - times[0] >= self.window:
                times.popleft()
            if not times:
                del self._failures[address]
            return len(times) >= self.limit

    def failed(self, address: str, now: datetime) -> None:
        """Count one failed login from the address."""
        with self._lock:
            if address not in self._failures and len(self._failures) >= MAX_ADDRESSES:
                self._failures.pop(next(iter(self._failures)))
            self._failures.setdefault(address, deque()).append(now)
