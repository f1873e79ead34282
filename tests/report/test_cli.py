"""The command line: platforms and their keys, watchlist, cases, exports, evidence verify."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from tests.report.corpus import seed
from threadline.cli import cli
from threadline.errors import ThreadlineError
from threadline.settings import Settings
from threadline.store import BlobStore, Database
from threadline.store.screen import hash_api_key


@dataclass(frozen=True)
class Ran:
    """What a command printed and returned."""

    returncode: int
    stdout: str
    stderr: str


def run(args: list[str], tmp_path: Path) -> Ran:
    """`threadline ARGS` in this process (a child costs seconds of imports on a busy machine),
    with a private data folder and a fixed secret key; errors as `main` prints them."""
    env = {"THREADLINE_DATA_DIR": str(tmp_path / "var"), "THREADLINE_SECRET_KEY": "test-secret-key"}
    result = CliRunner().invoke(cli, args, env=env, prog_name="threadline", standalone_mode=False)
    if isinstance(result.exception, ThreadlineError):
        return Ran(1, result.stdout, f"error: {result.exception.detail}\n")
    assert result.exception is None, result.exception
    code = result.return_value if isinstance(result.return_value, int) else 0
    return Ran(code, result.stdout, result.stderr)


def run_child(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`python -m threadline ARGS` as a separate process."""
    env = os.environ | {
        "THREADLINE_DATA_DIR": str(tmp_path / "var"),
        "THREADLINE_SECRET_KEY": "test-secret-key",
    }
    return subprocess.run(
        [sys.executable, "-m", "threadline", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def seeded_db(tmp_path: Path) -> Database:
    """The CLI's own SQLite file, migrated and seeded."""
    settings = Settings(data_dir=tmp_path / "var", secret_key="test-secret-key")  # type: ignore[arg-type]
    database = Database.from_settings(settings)
    database.migrate()
    seed(database, BlobStore(settings.blob_dir()))
    return database


@pytest.mark.parametrize(
    "command", ["platforms", "watchlist", "cases", "export", "evidence"]
)  # fmt: skip
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    result = run([command, "--help"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(f"Usage: threadline {command}")


def test_platforms_add_prints_the_key_last_and_stores_its_hash(
    tmp_path: Path, seeded_db: Database
) -> None:
    added = run_child(["platforms", "add", "megaclass", "--quota", "500"], tmp_path)
    key = added.stdout.splitlines()[-1]
    assert added.returncode == 0
    assert key.startswith("tlk_")
    assert len(key) == 47
    listed = run(["platforms", "list"], tmp_path).stdout.split("\t")
    assert listed == ["megaclass", f"{key[:10]}…", "500", "active\n"]
    with seeded_db.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT key_hash FROM screen_platforms").scalar()
    assert stored == hash_api_key(key)
    assert (
        run(["platforms", "revoke", "megaclass"], tmp_path).stdout == "platform megaclass revoked\n"
    )
    again = run(["platforms", "revoke", "megaclass"], tmp_path)
    assert (again.returncode, again.stderr) == (1, "error: no active platform named 'megaclass'\n")


def test_watchlist_add_and_list(tmp_path: Path, seeded_db: Database) -> None:
    assert run(["watchlist", "add", "phone", "702-555-0142"], tmp_path).returncode == 0
    bad = run(["watchlist", "add", "email", "nobody"], tmp_path)
    assert (bad.returncode, bad.stderr) == (1, "error: not an email address: 'nobody'\n")
    hashed = run(["watchlist", "list"], tmp_path).stdout
    plain = run(["watchlist", "list", "--show-values"], tmp_path).stdout
    assert "+17025550142" not in hashed
    assert plain == "1\tphone\t+17025550142\t\n"


def test_cases_then_exports_then_evidence_verify(tmp_path: Path, seeded_db: Database) -> None:
    case_id = run(["cases", "create", "Vegas ring", "--user", "alice"], tmp_path).stdout.strip()
    assert run(["cases", "add", case_id, "ad", "1", "--user", "alice"], tmp_path).returncode == 0
    assert run(["cases", "share", case_id, "bob", "--user", "alice"], tmp_path).returncode == 0
    assert run(["cases", "list", "--user", "bob"], tmp_path).stdout == (
        f"{case_id}\topen\talice\tVegas ring\n"
    )
    gexf = tmp_path / "net.gexf"
    assert run(["export", "gexf", "-o", str(gexf), "--network", "net-a"], tmp_path).returncode == 0
    assert nx.read_gexf(gexf).number_of_nodes() == 6
    ftm = run(["export", "ftm"], tmp_path)
    assert [json.loads(line)["schema"] for line in ftm.stdout.splitlines()].count("Document") == 3
    i2 = tmp_path / "links.csv"
    assert run(["export", "i2", "-o", str(i2)], tmp_path).returncode == 0
    assert (tmp_path / "links.csv.spec.txt").read_text(encoding="utf-8").startswith("Threadline")
    tip = run(
        ["export", "cybertip", case_id, "--user", "alice", "--reporter-first", "Dana",
         "--reporter-last", "Reviewer", "--reporter-email", "dana@platform.example"],
        tmp_path,
    )  # fmt: skip
    assert tip.stdout.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<report>")
    package = tmp_path / "case.zip"
    made = run(["export", "evidence", case_id, "-o", str(package), "--user", "alice"], tmp_path)
    assert made.returncode == 0
    verified = run(["evidence", "verify", str(package)], tmp_path)
    assert (verified.returncode, verified.stdout) == (0, f"ok: {package} matches its manifest\n")
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(package) as old, zipfile.ZipFile(tampered, "w") as new:
        for name in old.namelist():
            new.writestr(name, b"edited" if name == "case.json" else old.read(name))
    failed = run(["evidence", "verify", str(tampered)], tmp_path)
    assert (failed.returncode, failed.stdout) == (1, "changed: case.json\n")


def test_validate_checks_the_shipped_rules(tmp_path: Path) -> None:
    result = run(["validate", "--kind", "rules"], tmp_path)
    assert (result.returncode, result.stdout) == (0, "rules default.yaml: ok\n")
