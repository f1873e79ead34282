"""Screening API latency and batch time: `python benchmarks/screen.py [--rate 200] [--seconds 60]`.

The target run (200/s for 60 s, three times, on a quiet machine):
`flock /tmp/threadline-bench.lock python benchmarks/screen.py --rate 200 --seconds 60 --runs 3`.

Starts `threadline serve` on 127.0.0.1 with a fresh SQLite database and one platform key,
then, per run, sends single-ad screens at a fixed rate (open loop: request i is due at
start + i/rate, and its latency counts from when it was due, so a stalled server cannot
hide queueing) and times one batch of 1,000 ads. Prints p50/p99, the achieved rate and
errors per run and their medians. Every loop is bounded in count and in time; the target is
loopback only. The load generator is deliberately thin (pre-built HTTP/1.1 requests written
on a pool of keep-alive asyncio connections, on uvloop when installed), because it shares
the machine's cores with the server: the CPU seconds of both and the load average are
printed beside the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _harness import median

HOST = "127.0.0.1"
FIELDS = ("id", "site", "url", "title", "body", "posted_at", "city", "region", "country")


@dataclass(frozen=True)
class LoadRun:
    """One fixed-rate run."""

    sent: int
    errors: int
    p50_ms: float
    p99_ms: float
    achieved_rps: float


def sample_ads(n: int) -> list[dict[str, Any]]:
    """Synthetic ads in the API's shape (the generator's ground truth left out)."""
    from threadline.synth import generate_ads

    return [{k: r[k] for k in FIELDS if r.get(k)} for r in generate_ads(n, seed=7, image_dir=None)]


def prepare(data_dir: Path, database_url: str | None = None) -> str:
    """A migrated database with one platform and a small watchlist; returns the API key."""
    from threadline.screen import Screener, add_to_watchlist
    from threadline.settings import Settings
    from threadline.store import Database
    from threadline.store.screen import create_platform

    settings = Settings(data_dir=data_dir, secret_key="benchmark-key", database_url=database_url)  # type: ignore[arg-type]
    database = Database.from_settings(settings)
    database.migrate()
    with database.transaction() as connection:
        _, key = create_platform(connection, "bench", "benchmark")
    screener = Screener.from_settings(settings)
    for phone in ("702-555-0101", "702-555-0102", "312-555-0199"):
        add_to_watchlist(database, screener, "phone", phone, "benchmark", "benchmark")
    database.dispose()
    return key


def start_server(
    data_dir: Path, port: int, workers: int = 1, database_url: str | None = None
) -> subprocess.Popen[bytes]:
    """`threadline serve` on loopback, rate limit and quota out of the way."""
    extra = {"THREADLINE_DATABASE_URL": database_url} if database_url else {}
    env = (
        os.environ
        | extra
        | {
            "THREADLINE_DATA_DIR": str(data_dir),
            "THREADLINE_SECRET_KEY": "benchmark-key",
            "THREADLINE_SCREEN_RATE_LIMIT": "100000",
            "THREADLINE_SCREEN_RATE_BURST": "100000",
            "THREADLINE_LOG_LEVEL": "WARNING",
            "THREADLINE_INTERCEPT_SENDER": "false",
        }
    )
    args = [sys.executable, "-m", "threadline", "serve", "--host", HOST, "--port", str(port)]
    args += ["--workers", str(workers)]
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(base: str, seconds: float = 120.0) -> None:
    """Poll /healthz until the server answers (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit("server did not start")


def build_requests(key: str, port: int, ads: list[dict[str, Any]]) -> list[bytes]:
    """Each ad as a complete HTTP/1.1 keep-alive request, built once before the run."""
    built = []
    for ad in ads:
        body = json.dumps(ad, separators=(",", ":")).encode()
        head = (
            f"POST /api/v1/screen HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        built.append(head.encode() + body)
    return built


async def _read_status(reader: asyncio.StreamReader) -> int:
    """Read one response off a keep-alive connection; its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(head[9:12])


@dataclass
class Schedule:
    """Request i is due at start + i/rate; connections take the next index in turn."""

    start: float
    rate: float
    count: int
    next_index: int = 0

    def take(self) -> int | None:
        """The next request's index, or None when all are taken."""
        if self.next_index >= self.count:
            return None
        self.next_index += 1
        return self.next_index - 1


async def _connection(
    port: int, requests: list[bytes], schedule: Schedule, out: list[float | None]
) -> None:
    """One keep-alive connection sending requests when due; latency counts from the due
    time, so time spent waiting for a free connection is counted too (open loop)."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        while (index := schedule.take()) is not None:
            due = schedule.start + index / schedule.rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            try:
                writer.write(requests[index % len(requests)])
                ok = await _read_status(reader) == 200
            except (OSError, asyncio.IncompleteReadError, ValueError):
                out.append(None)
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
                continue
            out.append(time.perf_counter() - due if ok else None)
    finally:
        writer.close()


async def load(
    port: int, requests: list[bytes], rate: float, seconds: float, connections: int
) -> LoadRun:
    """Send rate*seconds screens on schedule over a pool of keep-alive connections."""
    count = int(rate * seconds)
    results: list[float | None] = []
    schedule = Schedule(time.perf_counter() + 0.5, rate, count)
    tasks = [
        asyncio.create_task(_connection(port, requests, schedule, results))
        for _ in range(connections)
    ]
    _, late = await asyncio.wait(tasks, timeout=seconds + 30)
    for task in late:  # still busy 30 s after the last was due: its unanswered count as errors
        task.cancel()
    elapsed = time.perf_counter() - schedule.start
    latencies = sorted(r for r in results if r is not None)
    errors = count - len(latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else 0.0
    p50 = statistics.median(latencies) if latencies else 0.0
    return LoadRun(count, errors, p50 * 1000, p99 * 1000, len(latencies) / elapsed)


def batch_seconds(base: str, key: str, ads: list[dict[str, Any]]) -> float:
    """Wall time of one batch of 1,000 ads."""
    body = {"ads": [dict(ad, id=f"batch-{i}") for i, ad in enumerate(ads[:1000])]}
    started = time.perf_counter()
    response = httpx.post(
        f"{base}/api/v1/screen/batch",
        json=body,
        headers={"Authorization": f"Bearer {key}"},
        timeout=120,
    )
    seconds = time.perf_counter() - started
    if response.status_code != 200 or len(response.json()["results"]) != 1000:
        raise SystemExit(f"batch failed: {response.status_code}")
    return seconds


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process and its direct children (the workers) so far,
    from Linux /proc; 0 for what cannot be read."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def main() -> None:
    """Start the server, run the load and the batch `--runs` times, print figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32, help="Keep-alive connections.")
    parser.add_argument(
        "--workers", type=int, default=1, help="Server processes (needs PostgreSQL)."
    )
    parser.add_argument("--database-url", help="An empty PostgreSQL database for --workers > 1.")
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="Seconds of unmeasured load at 50/s first."
    )
    args = parser.parse_args()
    ads = sample_ads(2000)
    with tempfile.TemporaryDirectory() as workdir:
        data_dir = Path(workdir) / "var"
        key = prepare(data_dir, args.database_url)
        port = free_port()
        requests = build_requests(key, port, ads)
        server = start_server(data_dir, port, args.workers, args.database_url)
        base = f"http://{HOST}:{port}"
        try:
            wait_ready(base)
            # The first screen builds the screening state (rules, lexicon, caches, ~0.5 s);
            # unwarmed, the calls queued behind it were most of the old p99.
            if args.warmup > 0:
                _run_loop(load(port, requests, 50.0, args.warmup, 4))
            runs = [
                one_run(number, args, server.pid, port, requests)
                for number in range(1, args.runs + 1)
            ]
            batches = [batch_seconds(base, key, ads) for _ in runs]
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        f"median of {args.runs}: p50 {median([r.load.p50_ms for r in runs]):.1f} ms, "
        f"p99 {median([r.load.p99_ms for r in runs]):.1f} ms, "
        f"{median([r.load.achieved_rps for r in runs]):.1f} req/s, "
        f"errors {median([float(r.load.errors) for r in runs]):.0f}, "
        f"server CPU {median([r.server_ms_per_call for r in runs]):.2f} ms/call, "
        f"generator CPU {median([r.generator_ms_per_call for r in runs]):.2f} ms/call, "
        f"batch of 1,000 {median(batches):.2f} s ({os.cpu_count()} cores shared)"
    )


@dataclass(frozen=True)
class Measured:
    """One load run with the CPU both sides spent on it."""

    load: LoadRun
    server_ms_per_call: float
    generator_ms_per_call: float


def one_run(
    number: int, args: argparse.Namespace, pid: int, port: int, requests: list[bytes]
) -> Measured:
    """One load run at the target rate; prints its figures and the machine's share."""
    before_load, server_before = os.getloadavg()[0], cpu_seconds(pid)
    own_before = time.process_time()
    run = _run_loop(load(port, requests, args.rate, args.seconds, args.connections))
    generator = time.process_time() - own_before
    server = cpu_seconds(pid) - server_before
    answered = max(1, run.sent - run.errors)
    wall = run.sent / args.rate
    print(
        f"run {number}: {run.sent} screens at {args.rate:g}/s target, "
        f"{run.achieved_rps:.1f}/s achieved, p50 {run.p50_ms:.1f} ms, "
        f"p99 {run.p99_ms:.1f} ms, errors {run.errors}; CPU over ~{wall:.0f} s: server "
        f"{server:.1f} s ({server * 1000 / answered:.2f} ms/call), generator {generator:.1f} s "
        f"({generator * 1000 / answered:.2f} ms/call); "
        f"load average {before_load:.2f} -> {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return Measured(run, server * 1000 / answered, generator * 1000 / answered)


def _run_loop(coroutine: Coroutine[Any, Any, LoadRun]) -> LoadRun:
    """Run on uvloop when it is installed (it spends less CPU per request), else asyncio."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


if __name__ == "__main__":
    main()
