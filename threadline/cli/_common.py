"""What every command shares: settings, JSON lines in and out, errors as one line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click
import orjson

from threadline.errors import InputError
from threadline.settings import Settings


def get_settings(ctx: click.Context) -> Settings:
    """The settings object the root command made."""
    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):  # pragma: no cover - only when misused
        raise click.UsageError("settings are missing")
    return settings


@contextmanager
def open_input(path: str) -> Iterator[IO[bytes]]:
    """A binary stream for `path`, or stdin for `-`."""
    if path == "-":
        yield sys.stdin.buffer
        return
    if not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    with open(path, "rb") as stream:
        yield stream


@contextmanager
def open_output(path: str) -> Iterator[IO[bytes]]:
    """A binary stream for `path`, or stdout for `-`; a file appears only when complete."""
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    if target.exists() and not target.is_file():
        # A device or pipe (`-o /dev/null`, a FIFO): written in place, since renaming a
        # finished file over it would replace the device itself.
        with open(target, "wb") as stream:
            yield stream
        return
    partial = target.with_name(target.name + ".partial")
    with open(partial, "wb") as stream:
        yield stream
    partial.replace(target)


def read_json_lines(stream: IO[bytes], name: str) -> Iterator[dict[str, Any]]:
    """Decoded objects, one per non-blank line; raises InputError naming the line."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputError(f"{name}:{number}: not JSON (column {exc.colno})") from exc
        if not isinstance(value, dict):
            raise InputError(f"{name}:{number}: not a JSON object")
        yield value


def write_json_line(stream: IO[bytes], value: object) -> None:
    """One compact JSON object and a newline."""
    stream.write(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS) + b"\n")


def show_progress() -> bool:
    """Progress bars on a terminal only; pipes stay quiet."""
    return sys.stderr.isatty()
