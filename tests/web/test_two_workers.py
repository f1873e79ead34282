"""Two `threadline serve` processes on one PostgreSQL database: the intercept bot stores every
message once, queues each reply once and sends each delayed message exactly once, while the
same deliveries reach both servers at the same moment and both run the outbox sender."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
from sqlalchemy import func, select, text
from twilio.request_validator import RequestValidator

from threadline.intercept import add_campaign
from threadline.store import Database
from threadline.store.tables_intercept import intercept_messages, intercept_outbox

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

TOKEN = "twilio-test-token"
PUBLIC = "https://threadline.test"  # what Twilio signs: the same for both servers
DECOY = "+17025550100"
BUYERS = [f"+1702555{n:04d}" for n in range(141, 147)]  # six buyers, one conversation each
BODIES = ["hey", "how much", "my name is Sam", "where are you", "ok", "tonight?"]
SENDS_PER_CONVERSATION = 8  # the script's replies to BODIES, deterrence included


class Carrier(BaseHTTPRequestHandler):
    """A fake carrier on loopback: records every message it is asked to send."""

    lock = threading.Lock()
    received: ClassVar[list[tuple[str, dict[str, str]]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        with Carrier.lock:
            Carrier.received.append(
                (self.headers["Idempotency-Key"], dict(parse_qsl(body.decode())))
            )
        self.send_response(201)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def carrier() -> Iterator[str]:
    Carrier.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Carrier)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def shared_db(postgres_url: str) -> Iterator[Database]:
    """The session's PostgreSQL database, emptied, migrated, with one decoy campaign."""
    database = Database(postgres_url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    database.migrate()
    with database.transaction() as connection:
        add_campaign(connection, "c1", DECOY, "example-en", datetime.now(UTC))
    yield database
    database.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(url: str, carrier: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "THREADLINE_DATABASE_URL": url,
        "THREADLINE_DATA_DIR": str(data_dir),
        "THREADLINE_SECRET_KEY": "two-workers-secret",
        "THREADLINE_TWILIO_AUTH_TOKEN": TOKEN,
        "THREADLINE_TWILIO_ACCOUNT_SID": "AC1",
        "THREADLINE_PUBLIC_URL": PUBLIC,
        "THREADLINE_SMS_BASE_URL": carrier,
        "THREADLINE_INTERCEPT_DELAY_SCALE": "0.001",  # every reply goes through the outbox
        "THREADLINE_INTERCEPT_SENDER": "true",
        "THREADLINE_LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def servers(
    shared_db: Database, postgres_url: str, carrier: str, tmp_path: Path
) -> Iterator[list[str]]:
    """Two servers: one of two worker processes (`--workers 2`) and one of a single process."""
    env = _environment(postgres_url, carrier, tmp_path / "var")
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "threadline", "serve", "--port", str(port), *extra],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port, extra in zip(ports, (["--workers", "2"], []), strict=True)
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, processes, strict=True):
            _wait_ready(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "died")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not start")


def _post(url: str, sid: str, buyer: str, body: str) -> httpx.Response:
    form = {"MessageSid": sid, "From": buyer, "To": DECOY, "Body": body, "NumMedia": "0"}
    signature = RequestValidator(TOKEN).compute_signature(f"{PUBLIC}/sms/twilio", form)
    return httpx.post(
        f"{url}/sms/twilio",
        content=urlencode(form),
        headers={
            "X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        timeout=30,
    )


def _converse(urls: list[str], buyer: str) -> list[tuple[int, int]]:
    """One buyer's messages in order; each delivery reaches both servers at once (a retry)."""
    statuses = []
    with ThreadPoolExecutor(2) as pool:
        for turn, body in enumerate(BODIES):
            sid = f"SM{buyer[-4:]}{turn}"
            first, second = pool.map(_post, urls, [sid] * 2, [buyer] * 2, [body] * 2)
            assert first.text == second.text  # the duplicate gets the first answer again
            statuses.append((first.status_code, second.status_code))
    return statuses


def _count(database: Database, table, *where) -> int:  # type: ignore[no-untyped-def]
    with database.transaction() as connection:
        query = select(func.count()).select_from(table).where(*where)
        return int(connection.execute(query).scalar_one())


def _wait_for_sends(expected: int) -> None:
    deadline = time.monotonic() + 60
    while len(Carrier.received) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(2.0)  # long enough for a second sender to show a double send


def test_two_servers_store_answer_and_send_each_message_exactly_once(
    servers: list[str], shared_db: Database
) -> None:
    with ThreadPoolExecutor(len(BUYERS)) as pool:
        statuses = list(pool.map(lambda buyer: _converse(servers, buyer), BUYERS))
    assert statuses == [[(200, 200)] * len(BODIES)] * len(BUYERS)
    expected = SENDS_PER_CONVERSATION * len(BUYERS)
    _wait_for_sends(expected)

    inbound = intercept_messages.c.direction == "in"
    assert _count(shared_db, intercept_messages, inbound) == len(BODIES) * len(BUYERS)
    assert _count(shared_db, intercept_messages, ~inbound) == expected
    assert _count(shared_db, intercept_outbox) == expected
    assert _count(shared_db, intercept_outbox, intercept_outbox.c.status == "sent") == expected
    assert _count(shared_db, intercept_outbox, intercept_outbox.c.attempts != 1) == 0
    keys = [key for key, _ in Carrier.received]
    assert len(keys) == len(set(keys)) == expected
    per_buyer = {b: sum(f["To"] == b for _, f in Carrier.received) for b in BUYERS}
    assert per_buyer == dict.fromkeys(BUYERS, SENDS_PER_CONVERSATION)
    deterred = [f for _, f in Carrier.received if f["Body"].startswith("This is not a real")]
    assert sorted(f["To"] for f in deterred) == BUYERS
