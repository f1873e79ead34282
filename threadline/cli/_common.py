"""What every command shares: settings, JSON lines in and out, errors as one line."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
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


def read_json_lines(stream: Iterable[bytes], name: str, first: int = 1) -> Iterator[dict[str, Any]]:
    """Decoded objects, one per non-blank line (the first is line `first` of `name`); raises
    InputError naming the line."""
    for number, line in enumerate(stream, start=first):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputError(f"{name}:{number}: not JSON (column {exc.colno})") from exc
        if not isinstance(value, dict):
            raise InputError(f"{name}:{number}: not a JSON object")
        yield value


@dataclass(frozen=True)
class Lines:
    """A partition of raw input lines and where it starts: workers decode their own, which
    costs less than decoding here and sending the objects (a pickled record is slower to
    load than its JSON line is to parse)."""

    name: str
    first: int  # line number of lines[0]
    lines: list[bytes]

    def records(self) -> Iterator[dict[str, Any]]:
        """The decoded objects; raises InputError naming the line."""
        return read_json_lines(self.lines, self.name, self.first)


def line_partitions(stream: IO[bytes], name: str, size: int) -> Iterator[Lines]:
    """The stream's lines in partitions of `size`, in order."""
    first = 1
    while lines := list(islice(stream, size)):
        yield Lines(name, first, lines)
        first += len(lines)


def write_json_line(stream: IO[bytes], value: object) -> None:
    """One compact JSON object and a newline."""
    stream.write(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS) + b"\n")


def show_progress() -> bool:
    """Progress bars on a terminal only; pipes stay quiet."""
    return sys.stderr.isatty()
