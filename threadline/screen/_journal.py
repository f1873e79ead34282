"""Group commit for the screening API's writes: request log, usage and audit rows.

Each call waits until its rows are committed (a call whose audit row cannot be written
fails), but the calls that arrive while a commit runs share the next one: their log rows go
in one statement, their usage in one update per platform, and one audit row per platform and
peer names every request id of the group. A busy server pays one fsync and a handful of
statements per group instead of per call.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection

from threadline.store import AuditEvent, Database, append_audit
from threadline.store.screen import add_usage, log_requests


@dataclass(frozen=True, slots=True)
class Record:
    """What one screening call leaves behind."""

    platform_id: int
    platform_name: str
    ip: str
    day: date
    rows: tuple[dict[str, Any], ...]  # screen_requests rows, one per ad
    rules_version: str


@dataclass
class Journal:
    """A writer thread committing records in groups; `write` blocks until they are durable."""

    database: Database
    _pending: list[tuple[Record, Future[None]]] = field(default_factory=list)
    _wake: threading.Condition = field(default_factory=threading.Condition)
    _thread: threading.Thread | None = None
    _in_flight: Counter[tuple[int, date]] = field(default_factory=Counter)

    def in_flight(self, platform_id: int, day: date) -> int:
        """Ads of this process's calls for the platform and day still waiting for their
        group commit (the quota counts them beside the committed usage)."""
        with self._wake:
            return self._in_flight[(platform_id, day)]

    def write(self, record: Record, timeout: float = 30.0) -> None:
        """Queue the record for the next group commit and wait until it is committed."""
        done: Future[None] = Future()
        key = (record.platform_id, record.day)
        with self._wake:
            self._in_flight[key] += len(record.rows)
            self._ensure_thread()
            self._pending.append((record, done))
            self._wake.notify()
        try:
            done.result(timeout)
        finally:
            with self._wake:
                self._in_flight[key] -= len(record.rows)

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="screen-journal", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending:
                    self._wake.wait()
                group, self._pending = self._pending, []
            self._commit(group)

    def _commit(self, group: list[tuple[Record, Future[None]]]) -> None:
        try:
            with self.database.transaction() as connection:
                write_records(connection, [record for record, _ in group])
        except Exception as exc:  # every waiter learns that its write failed
            for _, done in group:
                done.set_exception(exc)
            return
        for _, done in group:
            done.set_result(None)


def write_records(connection: Connection, records: list[Record]) -> None:
    """Log rows, usage per platform and day, and one audit row per platform and peer."""
    log_requests(connection, [row for record in records for row in record.rows])
    usage: Counter[tuple[int, date]] = Counter()
    audits: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for record in records:
        usage[(record.platform_id, record.day)] += len(record.rows)
        audits[(record.platform_name, record.ip)].append(record)
    for (platform_id, day), ads in sorted(usage.items()):
        add_usage(connection, platform_id, day, ads)
    for (name, ip), grouped in audits.items():
        append_audit(connection, _event(name, ip, grouped))


def _event(name: str, ip: str, records: list[Record]) -> AuditEvent:
    rows = [row for record in records for row in record.rows]
    detail = {
        "calls": len(records),
        "ads": len(rows),
        "requests": [row["id"] for row in rows],
        "decisions": dict(Counter(row["decision"] for row in rows)),
        "rules_version": records[0].rules_version,
    }
    actor = f"platform:{name}"
    return AuditEvent(actor, "screen", "screen_request", rows[0]["id"], ip, "ok", detail)
