"""Intercept bot under load, on loopback only: `python benchmarks/intercept.py [--kill]`.

Starts `threadline serve` (a child process), a fake carrier (another child) and drives the
Twilio webhook with signed requests from N concurrent conversations at a fixed offered rate
(open loop: latency counts from each message's scheduled time, so a stall is not hidden).
Each conversation sends 4 messages (greeting, price, location, a time), which ends in the
deterrence, queued with delays and sent by the server's sender to the carrier.

With `--kill`, the server gets SIGKILL in the middle of the load and is started again; the
generator retries every unanswered message with the same MessageSid. Afterwards the database
and the carrier's log are checked: no inbound message lost, none answered twice, every queued
deterrence sent exactly once (distinct idempotency keys; raw deliveries reported too).
Every loop is bounded in count and time; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import yaml
from sqlalchemy import func, select, text
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).parent))
from _harness import median

from threadline.intercept import add_campaign, resolve_script
from threadline.store import Database
from threadline.store.tables_intercept import intercept_messages, intercept_outbox

TOKEN = "bench-twilio-token"
DECOY = "+17025550100"
BODIES = ("hi there", "how much", "where are you", "tomorrow at 7pm?")
REPLIES_PER_CONVERSATION = 3 + 3  # three replies, then three deterrence messages
DETERRENCE = 3
HARD_LIMIT_S = 600


@dataclass
class Tally:
    """What the load generator saw."""

    latencies: list[float] = field(default_factory=list)
    retries: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    started: float = 0.0
    finished: float = 0.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_script(workdir: Path) -> Path:
    """The English example with instant replies and a deterrence 2–4 s later."""
    raw = yaml.safe_load(resolve_script("example-en")[1])
    raw["id"], raw["delay"] = "bench-en", {"min_seconds": 0, "max_seconds": 0}
    for index, message in enumerate(raw["ending"]["messages"]):
        message["delay_seconds"] = 2 + index
    path = workdir / "bench-en.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def prepare_database(url: str, workdir: Path) -> None:
    """A fresh schema with one campaign on the benchmark script."""
    database = Database(url)
    if database.dialect == "postgresql":
        with database.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    database.migrate()
    with database.transaction() as connection:
        add_campaign(connection, "bench", DECOY, str(bench_script(workdir)), _now())
    database.dispose()


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)


def start_server(
    port: int, url: str, carrier: str, workdir: Path, workers: int = 1
) -> subprocess.Popen[bytes]:
    """`threadline serve` as a child process."""
    env = os.environ | {
        "THREADLINE_DATA_DIR": str(workdir / "var"),
        "THREADLINE_DATABASE_URL": url,
        "THREADLINE_SECRET_KEY": "bench-secret",
        "THREADLINE_TWILIO_AUTH_TOKEN": TOKEN,
        "THREADLINE_TWILIO_ACCOUNT_SID": "ACbench",
        "THREADLINE_SMS_BASE_URL": carrier,
        "THREADLINE_INTERCEPT_DELAY_SCALE": "1",
        "THREADLINE_MAX_CONCURRENCY": "2048",
        "THREADLINE_LOG_LEVEL": "WARNING",
    }
    args = [sys.executable, "-m", "threadline", "serve", "--port", str(port)]
    if workers > 1:
        args += ["--workers", str(workers)]
    if os.environ.get("BENCH_PROFILE"):  # profile the server: cProfile output to this file
        args[1:1] = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]]
    if os.environ.get("BENCH_PYSPY"):  # sample every thread: "PY_SPY_BINARY OUTPUT.txt"
        spy, output = os.environ["BENCH_PYSPY"].split()
        args[:0] = [spy, "record", "--subprocesses", "--format", "raw", "-o", output, "--"]
    log = open(workdir / "server.log", "ab")  # noqa: SIM115 - the child owns it
    return subprocess.Popen(args, env=env, stdout=log, stderr=log)


def start_carrier(port: int, log: Path) -> subprocess.Popen[bytes]:
    """The fake carrier as a child process."""
    args = [sys.executable, __file__, "carrier", "--port", str(port), "--log", str(log)]
    return subprocess.Popen(args)


async def wait_ready(port: int, seconds: float = 60) -> None:
    """Until /healthz answers (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
            line = await asyncio.wait_for(reader.readline(), 2)
            writer.close()
            if b" 200 " in line:
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("server did not start")


def build_requests(conversations: int, port: int) -> list[tuple[str, bytes]]:
    """(MessageSid, raw HTTP request) in send order: round by round over all conversations."""
    validator = RequestValidator(TOKEN)
    url = f"http://127.0.0.1:{port}/sms/twilio"
    requests = []
    for round_ in range(len(BODIES)):
        for n in range(conversations):
            sid = f"SM{round_:02d}{n:08d}"
            form = {"MessageSid": sid, "From": buyer_number(n), "To": DECOY, "Body": BODIES[round_]}
            body = urlencode(form).encode()
            head = (
                f"POST /sms/twilio HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\n"
                "content-type: application/x-www-form-urlencoded\r\n"
                f"x-twilio-signature: {validator.compute_signature(url, form)}\r\n"
                f"content-length: {len(body)}\r\n\r\n"
            )
            requests.append((sid, head.encode() + body))
    return requests


def buyer_number(n: int) -> str:
    """A distinct fictional buyer number per conversation: +1 NNN-555-01XX."""
    return f"+1{201 + n // 100:03d}55501{n % 100:02d}"


TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (None when the process is gone)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    return raw.rsplit(")", 1)[1].split()


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) of a process, its reaped children and its live descendants.

    Workers a server forks and PostgreSQL's backends count too: a reaped child's time is in its
    parent's cutime/cstime, a live one's is read from its own stat.
    """
    total = 0
    for pid in [root, *_descendants(root)]:
        fields = _stat_fields(pid)
        if fields is not None:
            # after ")", 0-based: state ppid ... utime(11) stime(12) cutime(13) cstime(14)
            total += sum(int(fields[i]) for i in (11, 12, 13, 14))
    return total / TICKS


def own_cpu_seconds() -> float:
    """CPU seconds of this (load generator) process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def postgres_pid(url: str) -> int | None:
    """The postmaster of the test cluster, when the URL is PostgreSQL and its folder is known."""
    folder = os.environ.get("THREADLINE_TEST_PG_DIR")
    if not url.startswith("postgresql") or not folder:
        return None
    found = list(Path(folder).glob("**/postmaster.pid"))
    return int(found[0].read_text(encoding="ascii").split()[0]) if found else None


@dataclass
class CpuMeter:
    """CPU seconds of the server tree, the generator, the carrier and PostgreSQL, by phase."""

    state: dict[str, subprocess.Popen[bytes]]
    carrier: int
    database: int | None
    marks: list[dict[str, float]] = field(default_factory=list)
    server_before_kill: float = 0.0

    def mark(self) -> None:
        """Snapshot every counter."""
        snapshot = {
            "server": self.server_before_kill + tree_cpu_seconds(self.state["server"].pid),
            "generator": own_cpu_seconds(),
            "carrier": tree_cpu_seconds(self.carrier),
        }
        if self.database is not None:
            snapshot["postgres"] = tree_cpu_seconds(self.database)
        self.marks.append(snapshot)

    def killing(self) -> None:
        """Keep the server's CPU so far: a SIGKILLed server's time leaves with it."""
        self.server_before_kill += tree_cpu_seconds(self.state["server"].pid)

    def spent(self, start: int, end: int) -> dict[str, float]:
        """CPU seconds per counter between two marks."""
        return {k: self.marks[end][k] - self.marks[start][k] for k in self.marks[start]}


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


class Connection:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        """Send one request, read one response; reconnects when needed."""
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        """Drop the socket."""
        if self.writer is not None:
            self.writer.close()
        self.writer = None


async def send_with_retry(
    pool: asyncio.Queue[Connection], raw: bytes, tally: Tally, deadline: float
) -> bytes:
    """Send until a 200 arrives (bounded by the deadline); retries keep the same MessageSid."""
    while time.monotonic() < deadline:
        connection = await pool.get()
        try:
            status, body = await asyncio.wait_for(connection.request(raw), 30)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            connection.close()
            tally.errors[type(exc).__name__] = tally.errors.get(type(exc).__name__, 0) + 1
            tally.retries += 1
            await asyncio.sleep(0.2)
            continue
        finally:
            pool.put_nowait(connection)
        if status == 200:
            return body
        tally.errors[str(status)] = tally.errors.get(str(status), 0) + 1
        tally.retries += 1
        if status < 500 and status != 429:
            raise SystemExit(f"server answered {status}: {body[:200]!r}")
        await asyncio.sleep(0.2)
    raise SystemExit("a message could not be delivered before the time limit")


async def drive(
    requests: list[tuple[str, bytes]],
    port: int,
    rate: float,
    connections: int,
    conversations: int,
    kill_at: int | None,
    restart: Callable[[], Awaitable[None]],
) -> Tally:
    """Offer the requests at a fixed rate; a buyer's next message waits for the last answer."""
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(Connection(port))
    tally = Tally(started=time.monotonic())
    deadline = tally.started + HARD_LIMIT_S
    previous: dict[int, asyncio.Task[float]] = {}
    for index, (_sid, raw) in enumerate(requests):
        scheduled = tally.started + index / rate
        delay = scheduled - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if kill_at is not None and index == kill_at:
            await restart()
        before = previous.get(index % conversations)
        previous[index % conversations] = asyncio.create_task(
            one(pool, raw, scheduled, before, tally, deadline)
        )
    await asyncio.gather(*previous.values())
    tally.finished = time.monotonic()
    return tally


async def one(
    pool: asyncio.Queue[Connection],
    raw: bytes,
    scheduled: float,
    before: asyncio.Task[float] | None,
    tally: Tally,
    deadline: float,
) -> float:
    """One message after the buyer's previous one; latency from when it could first go."""
    start = max(scheduled, await before) if before is not None else scheduled
    await send_with_retry(pool, raw, tally, deadline)
    done = time.monotonic()
    tally.latencies.append(done - start)
    tally.answered += 1
    return done


def wait_drained(url: str, expected_sent: int, seconds: float) -> dict[str, int]:
    """Poll the outbox until every queued message is sent (bounded); its counts by status."""
    database = Database(url)
    deadline = time.monotonic() + seconds
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        with database.engine.connect() as connection:
            rows = connection.execute(
                select(intercept_outbox.c.status, func.count()).group_by(intercept_outbox.c.status)
            )
            counts = {str(s): int(c) for s, c in rows}
        if (
            counts.get("sent", 0) >= expected_sent
            and not counts.get("pending")
            and not counts.get("sending")
        ):
            break
        time.sleep(1)
    database.dispose()
    return counts


def check_store(url: str, expected_inbound: int) -> dict[str, int]:
    """Inbound messages stored (and distinct), replies per inbound message at most once."""
    database = Database(url)
    m = intercept_messages.c
    with database.engine.connect() as connection:
        inbound = connection.execute(select(func.count()).where(m.direction == "in")).scalar_one()
        distinct = connection.execute(
            select(func.count(func.distinct(m.provider_message_id))).where(m.direction == "in")
        ).scalar_one()
        outbound = connection.execute(select(func.count()).where(m.direction == "out")).scalar_one()
        twice = connection.execute(
            select(func.count()).select_from(
                select(m.conversation_id, m.reply_key)
                .where(m.direction == "out")
                .group_by(m.conversation_id, m.reply_to_seq, m.reply_key)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar_one()
    database.dispose()
    return {
        "inbound": int(inbound),
        "lost": expected_inbound - int(distinct),
        "outbound": int(outbound),
        "answered_twice": int(twice),
    }


def _descendants(root: int) -> list[int]:
    """Live descendants of a process (the workers `serve --workers N` forks)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    found: list[int] = []
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found += children
        frontier += children
    return found


def carrier_counts(log: Path) -> tuple[int, int]:
    """(distinct idempotency keys, raw deliveries) the carrier received."""
    keys = log.read_text(encoding="ascii").split() if log.exists() else []
    return len(set(keys)), len(keys)


def run_once(args: argparse.Namespace, url: str) -> dict[str, float]:
    """One full benchmark run; its figures."""
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        prepare_database(url, workdir)
        port, carrier_port = free_port(), free_port()
        log = workdir / "carrier.log"
        carrier = start_carrier(carrier_port, log)
        carrier_url = f"http://127.0.0.1:{carrier_port}"
        state = {"server": start_server(port, url, carrier_url, workdir, args.workers)}
        meter = CpuMeter(state, carrier.pid, postgres_pid(url))
        try:
            return asyncio.run(_measure(args, url, port, carrier_url, log, meter))
        finally:
            if os.environ.get("BENCH_PYSPY"):  # py-spy writes its samples on SIGINT
                inner = _descendants(state["server"].pid)
                state["server"].send_signal(signal.SIGINT)
                state["server"].wait(timeout=60)
                for pid in inner:
                    os.kill(pid, signal.SIGTERM)
            for child in (state["server"], carrier):
                child.terminate()
                child.wait(timeout=30)


async def _measure(
    args: argparse.Namespace,
    url: str,
    port: int,
    carrier_url: str,
    log: Path,
    meter: CpuMeter,
) -> dict[str, float]:
    state = meter.state
    workdir = log.parent
    await wait_ready(port)
    requests = build_requests(args.conversations, port)

    async def restart() -> None:
        meter.killing()
        # SIGKILL the whole group of workers too: `--workers N` forks them
        for pid in _descendants(state["server"].pid):
            os.kill(pid, signal.SIGKILL)
        state["server"].send_signal(signal.SIGKILL)
        state["server"].wait(timeout=30)
        state["server"] = start_server(port, url, carrier_url, workdir, args.workers)

    kill_at = len(requests) // 2 if args.kill else None
    meter.mark()
    load_before = load_average()
    tally = await drive(
        requests, port, args.rate, args.connections, args.conversations, kill_at, restart
    )
    meter.mark()
    load_after = load_average()
    if args.kill:
        await wait_ready(port)
    outbox = wait_drained(url, args.conversations * DETERRENCE, args.drain_seconds)
    meter.mark()
    store = check_store(url, len(requests))
    keys, deliveries = carrier_counts(log)
    elapsed = tally.finished - tally.started
    ordered = sorted(tally.latencies)
    during, overall = meter.spent(0, 1), meter.spent(0, 2)
    print(f"  load average before {load_before}, after the load {load_after}", flush=True)
    return {
        "messages": len(requests),
        "rate": len(requests) / elapsed,
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p99_ms": 1000 * ordered[int(len(ordered) * 0.99) - 1],
        "server_cpu_s_load": during["server"],
        "server_cpu_s_total": overall["server"],
        "server_cpu_ms_per_msg": 1000 * overall["server"] / len(requests),
        "msgs_per_server_cpu_s": len(requests) / overall["server"],
        "generator_cpu_s": during["generator"],
        "carrier_cpu_s": overall["carrier"],
        "postgres_cpu_s": overall.get("postgres", 0.0),
        "retries": tally.retries,
        "lost": store["lost"],
        "answered_twice": store["answered_twice"],
        "outbound": store["outbound"],
        "expected_outbound": args.conversations * REPLIES_PER_CONVERSATION,
        "deterrence_sent": outbox.get("sent", 0),
        "deterrence_expected": args.conversations * DETERRENCE,
        "carrier_keys": keys,
        "carrier_deliveries": deliveries,
        "errors": sum(tally.errors.values()),
    }


def report(label: str, runs: list[dict[str, float]]) -> None:
    """Print each run and the medians."""
    for index, figures in enumerate(runs, start=1):
        print(f"{label} run {index}: " + ", ".join(f"{k}={_fmt(v)}" for k, v in figures.items()))
    keys = ("rate", "p50_ms", "p99_ms", "server_cpu_ms_per_msg", "msgs_per_server_cpu_s")
    print(
        f"{label} median of {len(runs)}: "
        + ", ".join(f"{k}={_fmt(median([r[k] for r in runs]))}" for k in keys)
    )


def _fmt(value: float) -> str:
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


# --- the fake carrier (a child process) ------------------------------------------------------


async def carrier_main(port: int, log: Path) -> None:
    """Answer every POST with 201 and log its Idempotency-Key, one per line."""
    stream = open(log, "a", encoding="ascii")  # noqa: SIM115 - open for the server's life

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                fields = dict(
                    line.split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line
                )
                fields = {k.strip().lower(): v.strip() for k, v in fields.items()}
                await reader.readexactly(int(fields.get(b"content-length", b"0")))
                stream.write(fields.get(b"idempotency-key", b"-").decode() + "\n")
                stream.flush()
                writer.write(b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", port)
    async with server:
        await asyncio.sleep(HARD_LIMIT_S * 2)


def main() -> None:
    """Run the benchmark (or, as a child, the fake carrier)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "carrier"])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", type=Path, default=Path("carrier.log"))
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a temp dir")
    parser.add_argument("--conversations", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=550.0, help="offered messages per second")
    parser.add_argument("--connections", type=int, default=256)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--kill", action="store_true", help="SIGKILL the server mid-load")
    parser.add_argument("--drain-seconds", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=1, help="serve --workers (PostgreSQL)")
    args = parser.parse_args()
    if args.mode == "carrier":
        asyncio.run(carrier_main(args.port, args.log))
        return
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
            runs.append(run_once(args, url))
    engine = "postgresql" if args.database_url.startswith("postgresql") else "sqlite"
    workers = f" {args.workers} workers" if args.workers > 1 else ""
    report(f"intercept {engine}{workers}{' kill -9' if args.kill else ''}", runs)
    print(f"load average at the end {load_average()} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
