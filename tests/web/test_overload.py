"""Overload: beyond the concurrency limit the server answers 503 at once, never queues."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.web.test_app import _free_port, _wait_for
from threadline.web.middleware import ConcurrencyLimit


async def _slow(_request: Request) -> PlainTextResponse:
    await asyncio.sleep(0.5)
    return PlainTextResponse("done")


async def _burst(limit: int, requests: int) -> list[tuple[int, float]]:
    app = ConcurrencyLimit(Starlette(routes=[Route("/", _slow)]), limit=limit)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

        async def one() -> tuple[int, float]:
            started = time.perf_counter()
            response = await client.get("/")
            return response.status_code, time.perf_counter() - started

        return await asyncio.gather(*(one() for _ in range(requests)))


def test_requests_beyond_the_limit_get_503_at_once() -> None:
    results = asyncio.run(_burst(limit=3, requests=10))
    served = [took for status, took in results if status == 200]
    shed = [took for status, took in results if status == 503]
    assert (len(served), len(shed)) == (3, 7)
    assert max(shed) < 0.2  # answered immediately, while the served ones take 0.5 s


def test_the_limit_frees_up_when_requests_finish() -> None:
    first = asyncio.run(_burst(limit=2, requests=2))
    second = asyncio.run(_burst(limit=2, requests=2))
    assert [s for s, _ in first + second] == [200, 200, 200, 200]


def test_a_real_server_sheds_load_with_503_and_retry_after(tmp_path: Path) -> None:
    port = _free_port()
    env = os.environ | {
        "THREADLINE_DATA_DIR": str(tmp_path / "var"),
        "THREADLINE_MAX_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "threadline", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        statuses = asyncio.run(_hammer(f"http://127.0.0.1:{port}/login", 40))
        assert statuses.count(503) > 0
        assert statuses.count(200) > 0
        assert set(statuses) <= {200, 503}
    finally:
        server.terminate()
        server.wait(timeout=20)


async def _hammer(url: str, count: int) -> list[int]:
    async with httpx.AsyncClient(timeout=10) as client:
        responses = await asyncio.gather(*(client.get(url) for _ in range(count)))
    busy = [r for r in responses if r.status_code == 503]
    assert all(r.headers["retry-after"] == "1" for r in busy)
    return [r.status_code for r in responses]
