"""The bot's two workers: group commit of inbound messages, and the delayed-message sender.

Both are plain threads with bounded queues and explicit stop; the web app starts them in its
lifespan and `threadline intercept send-due` runs the sender once. Sending itself is a callable
handed in (`Transport`), so HTTP stays in the web layer.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from threadline.errors import ThreadlineError
from threadline.intercept._config import InterceptConfig
from threadline.intercept._gateways import GATEWAYS, OutboundMessage, OutboundRequest, Secrets
from threadline.intercept._service import handle_batch
from threadline.intercept._types import Intake, Outcome
from threadline.store import Database
from threadline.store import intercept as repo

log = logging.getLogger(__name__)
BATCH_LIMIT = 64
QUEUE_LIMIT = 20_000
SEND_BATCH = 100
LEASE = timedelta(seconds=30)
RETRY_AFTER = timedelta(seconds=30)
MAX_ATTEMPTS = 8

# Writers in one process take turns on this lock instead of on SQLite's busy handler, which
# sleeps in steps of up to 100 ms while it waits.
WriteLock = threading.Lock
# The outcome of one HTTP request: (status code, or 0 when it did not get through; detail).
Transport = Callable[[OutboundRequest], tuple[int, str]]
_STOP = object()


class BusyError(ThreadlineError):
    """The intake queue is full; the provider should retry later."""

    status = 429


class IntakeQueue:
    """Commits inbound messages in groups: one transaction (one fsync) for many messages."""

    def __init__(
        self, database: Database, config: InterceptConfig, lock: WriteLock | None = None
    ) -> None:
        self._database = database
        self._config = config
        self._lock = lock or nullcontext()
        self._queue: queue.Queue[object] = queue.Queue(QUEUE_LIMIT)
        self._thread = threading.Thread(target=self._run, name="intercept-intake", daemon=True)
        self._thread.start()

    def submit(self, intake: Intake, inline: bool) -> Future[Outcome]:
        """A future that resolves once the message is committed and its replies decided."""
        future: Future[Outcome] = Future()
        try:
            self._queue.put_nowait((intake, inline, future))
        except queue.Full as exc:
            raise BusyError("intake queue is full; retry later") from exc
        return future

    def close(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then stop."""
        self._queue.put(_STOP)
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            items = self._take()
            if items is None:
                return
            self._commit(items)

    def _take(self) -> list[tuple[Intake, bool, Future[Outcome]]] | None:
        first = self._queue.get()
        if first is _STOP:
            return None
        items = [first]
        while len(items) < BATCH_LIMIT:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                self._queue.put(_STOP)
                break
            items.append(item)
        return items  # type: ignore[return-value]

    def _commit(self, items: list[tuple[Intake, bool, Future[Outcome]]]) -> None:
        try:
            with self._lock:
                outcomes = handle_batch(
                    self._database, self._config, [i[0] for i in items], [i[1] for i in items]
                )
        except Exception as exc:
            log.exception("intake batch failed")
            for _, _, future in items:
                future.set_exception(exc)
            return
        for (_, _, future), outcome in zip(items, outcomes, strict=True):
            future.set_result(outcome)


@dataclass(frozen=True, slots=True)
class SendCounts:
    """What one pass of the sender did."""

    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    retried: int = 0


def send_due(
    database: Database,
    config: InterceptConfig,
    secrets: Secrets,
    transport: Transport,
    now: datetime | None = None,
    limit: int = SEND_BATCH,
    lock: WriteLock | None = None,
) -> SendCounts:
    """Claim due outbox rows (committed), send each, record the results in one transaction.

    A row is sent only by the sender whose claim holds it; a crash between sending and
    recording leaves it claimed, and after the lease it goes again with the same idempotency
    key, so a carrier that honours the key delivers it once.
    """
    moment = now or datetime.now(UTC)
    guard = lock or nullcontext()
    with guard, database.transaction() as connection:
        due = repo.claimed(connection, repo.claim_due(connection, moment, limit, LEASE))
    results = [_attempt(config, secrets, transport, item) for item in due]
    with guard, database.transaction() as connection:
        slots = _record(connection, due, results)
    return SendCounts(*(slots.count(slot) for slot in range(4)))


def _attempt(
    config: InterceptConfig, secrets: Secrets, transport: Transport, item: repo.DueMessage
) -> tuple[str, str]:
    """(status to record, detail) for one claimed row; HTTP happens in the transport."""
    if item.opted_out:
        return repo.CANCELLED, "opted out"
    try:
        to = config.cipher.decrypt(item.to_enc, "intercept_contacts.phone")
        message = OutboundMessage(f"outbox-{item.outbox_id}", item.from_number, to, item.body)
        request = GATEWAYS[item.provider].send(message, secrets)
    except (ThreadlineError, KeyError) as exc:
        return repo.FAILED, str(exc)
    status, detail = transport(request)
    if 200 <= status < 300:
        return repo.SENT, ""
    transient = status in (0, 429) or status >= 500
    retry = transient and item.attempts < MAX_ATTEMPTS
    return (repo.PENDING if retry else repo.FAILED), f"{status} {detail}"[:500]


def _record(
    connection: Connection, due: list[repo.DueMessage], results: list[tuple[str, str]]
) -> list[int]:
    """Store every result (closed rows in one executemany); a SendCounts slot per row."""
    now = datetime.now(UTC)
    closed, slots = [], []
    for item, (status, detail) in zip(due, results, strict=True):
        if status == repo.PENDING:
            repo.release(connection, item, now + RETRY_AFTER, detail)
            slots.append(3)
            continue
        closed.append((item, status, detail))
        slots.append({repo.SENT: 0, repo.FAILED: 1, repo.CANCELLED: 2}[status])
    repo.finish_many(connection, closed, now)
    return slots


class Sender:
    """Sends due outbox rows in a background thread until stopped."""

    def __init__(
        self,
        database: Database,
        config: InterceptConfig,
        secrets: Secrets,
        transport: Transport,
        interval: float = 0.2,
        lock: WriteLock | None = None,
    ) -> None:
        self._args = (database, config, secrets, transport)
        self._lock = lock
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="intercept-sender", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 10.0) -> None:
        """Stop after the current pass."""
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                counts = send_due(*self._args, lock=self._lock)
            except Exception:
                log.exception("sender pass failed")
                counts = SendCounts()
            if counts.sent + counts.failed + counts.cancelled + counts.retried < SEND_BATCH:
                self._stop.wait(self._interval)
