"""The command line as a user meets it: help, exit statuses, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import a_record


def run(
    args: list[str], tmp_path: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m threadline ARGS` with a private data folder."""
    environment = os.environ | {"THREADLINE_DATA_DIR": str(tmp_path / "var")} | env
    return subprocess.run(
        [sys.executable, "-m", "threadline", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_help_lists_the_foundation_commands(tmp_path: Path) -> None:
    result = run(["--help"], tmp_path)
    assert result.returncode == 0
    for command in ("audit", "ingest", "serve", "validate"):
        assert f"  {command} " in result.stdout


@pytest.mark.parametrize("command", ["audit", "ingest", "serve", "validate"])
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    result = run([command, "--help"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(f"Usage: threadline {command}")


def test_ingest_then_audit_verify(tmp_path: Path) -> None:
    corpus = tmp_path / "ads.jsonl"
    corpus.write_text(json.dumps(a_record("a")) + "\n" + "oops\n", encoding="utf-8")
    ingested = run(["ingest", str(corpus)], tmp_path)
    verified = run(["audit", "verify"], tmp_path)
    assert ingested.returncode == 1
    assert ingested.stderr.splitlines() == [
        "rejected ads.jsonl:2: not JSON (column 1)",
        "read 2, added 1, updated 0, unchanged 0, rejected 1",
    ]
    assert verified.returncode == 0
    assert verified.stdout.startswith("ok: 0 rows, head 0000")


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["ingest", "missing.jsonl"], {}, "error: missing.jsonl: no such file\n"),
        (
            ["audit", "verify"],
            {"THREADLINE_DATABASE_URL": "nonsense://"},
            "error: unreadable database URL: 'nonsense://'\n",
        ),
        (["audit", "verify"], {"THREADLINE_LOG_LEVEL": "LOUD"}, None),
    ],
)
def test_bad_input_gives_one_line_and_no_traceback(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str | None
) -> None:
    result = run(args, tmp_path, **env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    if message is not None:
        assert result.stderr == message
