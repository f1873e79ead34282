"""Readers for ad corpora, chosen by file extension."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from threadline.errors import InputError
from threadline.ingest.sources._parsed import Parsed
from threadline.ingest.sources.csv import read_csv
from threadline.ingest.sources.jsonl import parse_json_line, read_jsonl

__all__ = ["READERS", "Parsed", "parse_json_line", "read_csv", "read_jsonl", "reader_for"]

Reader = Callable[[Path], Iterator[Parsed]]

READERS: dict[str, Reader] = {
    ".csv": read_csv,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".json": read_jsonl,
}


def reader_for(path: Path) -> Reader:
    """The reader for a file, by its extension; InputError for an unknown one."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        return READERS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(READERS))
        raise InputError(f"{path}: unknown format {path.suffix!r} (known: {known})") from None
