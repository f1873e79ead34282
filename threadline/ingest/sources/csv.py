"""CSV with a header row naming the record's fields; `images` is a JSON list or URLs split by |."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from threadline.errors import InputError
from threadline.ingest.sources._parsed import Parsed
from threadline.model import ad_from_record

# Ad bodies can be long; the csv module's default field limit (128 KiB) is not enough.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv(path: Path) -> Iterator[Parsed]:
    """Each data row parsed into an ad, or rejected with the reason."""
    with open(path, encoding="utf-8-sig", errors="strict", newline="") as stream:
        reader = csv.DictReader(stream)
        try:
            for row in reader:
                yield _parse_row(row, f"{path.name}:{reader.line_num}")
        except (UnicodeDecodeError, csv.Error) as exc:
            yield Parsed(f"{path.name}:{reader.line_num + 1}", error=f"unreadable CSV ({exc})")


def _parse_row(row: dict[str | Any, Any], location: str) -> Parsed:
    if None in row:
        return Parsed(location, error="more fields than the header names")
    record = {key: value for key, value in row.items() if value not in ("", None)}
    try:
        if "images" in record:
            record["images"] = _images(record["images"])
        return Parsed(location, ad=ad_from_record(record))
    except InputError as exc:
        return Parsed(location, error=exc.detail)


def _images(cell: str) -> object:
    if cell.lstrip().startswith("["):
        try:
            return orjson.loads(cell)
        except orjson.JSONDecodeError as exc:
            raise InputError("images is not a JSON list") from exc
    return [part.strip() for part in cell.split("|") if part.strip()]
