"""Crash proofs: SIGKILL in the middle of an ingest, and in the middle of audit appends.

After a restart every acknowledged (committed) record is there exactly once, SQLite's
integrity check passes and the audit chain verifies.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from threadline.store import Database, verify_chain

ADS = 20_000
ACTOR = """
import sys
from threadline.store import AuditEvent, Database, append_audit
db = Database(sys.argv[1])
n = 0
while True:
    with db.transaction() as connection:
        append_audit(connection, AuditEvent("fault-test", "append", "row", str(n)))
    n += 1
"""


def _corpus(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(ADS):
            record = {"id": f"ad-{n}", "title": f"Ad number {n}", "body": f"Call 702-555-{n:04d}"}
            out.write(json.dumps(record) + "\n")


def _env(tmp_path: Path) -> dict[str, str]:
    return os.environ | {"THREADLINE_DATA_DIR": str(tmp_path / "var")}


def _count(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=30) as connection:
            return int(connection.execute("SELECT count(*) FROM ads").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not migrated yet


def _kill_when(process: subprocess.Popen[bytes], ready: object, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not ready() and time.monotonic() < deadline:  # type: ignore[operator]
        assert process.poll() is None, "finished before it could be killed: make the input larger"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_sigkill_during_ingest_loses_no_acknowledged_ad_and_duplicates_none(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "ads.jsonl"
    _corpus(corpus)
    db_path = tmp_path / "var" / "threadline.db"
    command = [sys.executable, "-m", "threadline", "ingest", str(corpus), "--source", "crash"]
    subprocess.run(
        [sys.executable, "-m", "threadline", "users", "add", "before", "--role", "analyst"],
        env=_env(tmp_path),
        check=True,
        capture_output=True,
    )
    first = subprocess.Popen(command, env=_env(tmp_path), stderr=subprocess.DEVNULL)
    _kill_when(first, lambda: _count(db_path) >= 2000)
    acknowledged = _count(db_path)
    assert 2000 <= acknowledged < ADS
    again = subprocess.run(command, env=_env(tmp_path), capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert f"added {ADS - acknowledged}, updated 0, unchanged {acknowledged}" in again.stderr
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute(
            "SELECT count(*), count(DISTINCT ext_id) FROM ads"
        ).fetchone() == (
            ADS,
            ADS,
        )
    _assert_chain(db_path, rows=1)


@pytest.mark.slow
def test_sigkill_during_audit_appends_leaves_a_chain_that_verifies(tmp_path: Path) -> None:
    db_path = tmp_path / "audit.db"
    database = Database(f"sqlite:///{db_path}")
    database.migrate()
    database.dispose()
    writer = subprocess.Popen(
        [sys.executable, "-c", ACTOR, f"sqlite:///{db_path}"], stderr=subprocess.DEVNULL
    )
    _kill_when(writer, lambda: _audit_rows(db_path) >= 300)
    rows = _audit_rows(db_path)
    assert rows >= 300
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    _assert_chain(db_path, rows=rows)


def _audit_rows(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=30) as connection:
            return int(connection.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _assert_chain(db_path: Path, rows: int) -> None:
    database = Database(f"sqlite:///{db_path}")
    with database.transaction() as connection:
        result = verify_chain(connection)
    database.dispose()
    assert (result.ok, result.rows) == (True, rows)
