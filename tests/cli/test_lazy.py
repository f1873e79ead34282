"""The root command imports a subcommand only when it is used, and lists them all without."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from tests.builders import a_record
from threadline.cli import COMMANDS, cli

# Slow to import and needed by some commands only; `--help` and `ingest` must not pay for them.
HEAVY = ("dask", "distributed", "scrapy", "twisted", "faiss", "dlib", "followthemoney", "fastapi")

# Writes the modules loaded by the time the CLI exits, then runs it as the console script does.
PROBE = """
import atexit, json, sys
listing = sys.argv.pop(1)
atexit.register(lambda: open(listing, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "threadline"
from threadline.cli import main
main()
"""


def modules_after(
    args: list[str], tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `threadline ARGS` in a fresh process; its result and every module it imported."""
    listing = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(listing), *args],
        capture_output=True,
        text=True,
        env=os.environ | {"THREADLINE_DATA_DIR": str(tmp_path / "var")},
        timeout=120,
        check=False,
    )
    return result, set(json.loads(listing.read_text(encoding="utf-8")))


def command_modules(modules: set[str]) -> set[str]:
    """The subcommand modules among the imported ones."""
    return {entry.target.partition(":")[0] for entry in COMMANDS.values()} & modules


def heavy_packages(modules: set[str]) -> set[str]:
    """The slow packages (top-level names) among the imported modules."""
    return {name.partition(".")[0] for name in modules} & set(HEAVY)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_registered_short_help_is_the_commands_own(name: str) -> None:
    command = COMMANDS[name].load()
    placeholder = COMMANDS[name].placeholder(name)
    assert command.name == name
    assert COMMANDS[name].short_help == command.get_short_help_str(limit=10_000)
    # Shortened for any terminal width, the stand-in reads as the real command would.
    for limit in range(10, 120):
        assert placeholder.get_short_help_str(limit) == command.get_short_help_str(limit)


def test_the_registry_is_every_command_module() -> None:
    modules = Path(__file__).parent.parent.parent / "threadline" / "cli"
    public = {path.stem for path in modules.glob("*.py") if not path.stem.startswith("_")}
    assert set(COMMANDS) == public


def test_help_lists_every_command_without_importing_any(tmp_path: Path) -> None:
    result, modules = modules_after(["--help"], tmp_path)
    listed = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert result.returncode == 0
    assert [line.split()[0] for line in listed] == sorted(COMMANDS)
    assert command_modules(modules) == set()
    assert heavy_packages(modules) == set()


def test_ingest_imports_only_what_ingest_needs(tmp_path: Path) -> None:
    corpus = tmp_path / "ads.jsonl"
    corpus.write_text(json.dumps(a_record("a")) + "\n", encoding="utf-8")
    result, modules = modules_after(["ingest", str(corpus)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "read 1, added 1, updated 0, unchanged 0, rejected 0\n"
    assert command_modules(modules) == {"threadline.cli.ingest"}
    assert heavy_packages(modules) == set()


def test_a_loaded_command_is_listed_with_the_same_help() -> None:
    context = click.Context(cli, info_name="threadline", terminal_width=100)
    before = cli.get_help(context)
    assert cli.get_command(context, "stats") is COMMANDS["stats"].load()
    assert cli.get_help(context) == before


def test_an_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    result, _modules = modules_after(["no-such-command"], tmp_path)
    assert result.returncode == 2
    assert "No such command 'no-such-command'" in result.stderr
