"""What `make run` gives: an admin whose first login, on a real server, forces a new password
and MFA enrolment; and the labelled demo mode, which skips only MFA."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyotp
import pytest

from tests.web.accounts import PASSWORD, csrf_from
from tests.web.test_app import _free_port, _wait_for


@contextmanager
def _server(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "threadline", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _admin_password(env: dict[str, str]) -> str:
    made = subprocess.run(
        [sys.executable, "-m", "threadline", "users", "ensure-admin"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"one-time password for admin: (\S+)", made.stdout)
    assert found
    return found.group(1)


def _post(client: httpx.Client, path: str, page: str, data: dict[str, str]) -> httpx.Response:
    token = csrf_from(client.get(page).text)
    return client.post(path, data=data | {"csrf_token": token})


@pytest.mark.slow
def test_first_login_on_a_real_server_forces_password_and_mfa(tmp_path: Path) -> None:
    env = os.environ | {"THREADLINE_DATA_DIR": str(tmp_path / "var")}
    once = _admin_password(env)
    with _server(env) as base, httpx.Client(base_url=base) as client:
        assert client.get("/").headers["location"] == "/login"
        login = {"name": "admin", "password": once, "acknowledge": "true"}
        assert _post(client, "/login", "/login", login).headers["location"] == "/password"
        change = {"current": once, "new": PASSWORD, "confirm": PASSWORD}
        assert _post(client, "/password", "/password", change).headers["location"] == "/mfa/enrol"
        page = client.get("/mfa/enrol").text
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
        assert secret
        code = {"code": pyotp.TOTP(secret.group(1)).now()}
        assert _post(client, "/mfa/enrol", "/mfa/enrol", code).headers["location"] == "/"
        home = client.get("/")
        assert home.status_code == 200
        assert "admin (admin)" in home.text
        assert "DEMO MODE" not in home.text


@pytest.mark.slow
def test_demo_mode_skips_only_mfa_and_labels_every_page(tmp_path: Path) -> None:
    env = os.environ | {
        "THREADLINE_DATA_DIR": str(tmp_path / "var"),
        "THREADLINE_DEMO_MODE": "true",
    }
    once = _admin_password(env)
    with _server(env) as base, httpx.Client(base_url=base) as client:
        assert "DEMO MODE — MFA off" in client.get("/login").text
        login = {"name": "admin", "password": once, "acknowledge": "true"}
        assert _post(client, "/login", "/login", login).headers["location"] == "/password"
        change = {"current": once, "new": PASSWORD, "confirm": PASSWORD}
        assert _post(client, "/password", "/password", change).headers["location"] == "/"
        assert "DEMO MODE — MFA off" in client.get("/").text
