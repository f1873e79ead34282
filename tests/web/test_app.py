"""The web app: health, the home page's counts, and a real server on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from tests.builders import an_ad
from tests.web.accounts import Clock, logged_in
from threadline.settings import Settings
from threadline.store import Database, ensure_source, save_ads
from threadline.store.accounts import Role
from threadline.web import create_app


def test_healthz_reports_the_database(settings: Settings, database: Database) -> None:
    client = TestClient(create_app(settings, database))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "version": "0.1.0"}


def test_healthz_is_503_without_a_schema(settings: Settings, tmp_path: Path) -> None:
    client = TestClient(create_app(settings, Database(f"sqlite:///{tmp_path / 'empty.db'}")))
    assert client.get("/healthz").status_code == 503


def test_home_page_shows_corpus_counts(settings: Settings, database: Database) -> None:
    with database.transaction() as connection:
        save_ads(connection, ensure_source(connection, "corpus"), [an_ad("a"), an_ad("b")])
    page = logged_in(settings, database, Role.ANALYST, Clock()).get("/corpus")
    assert page.status_code == 200
    assert '<dd id="count-ads">2</dd>' in page.text
    assert '<dd id="count-sources">1</dd>' in page.text


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    env = os.environ | {"THREADLINE_DATA_DIR": str(tmp_path / "var")}
    server = subprocess.Popen(
        [sys.executable, "-m", "threadline", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        response = _wait_for(f"http://127.0.0.1:{port}/healthz")
        assert response.json()["status"] == "ok"
        assert "server" not in response.headers
    finally:
        server.terminate()
        server.wait(timeout=20)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, seconds: float = 30.0) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
