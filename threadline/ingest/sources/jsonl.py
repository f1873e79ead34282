"""JSON lines: one ad record per line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson

from threadline.errors import InputError
from threadline.ingest.sources._parsed import Parsed
from threadline.model import ad_from_record


def read_jsonl(path: Path) -> Iterator[Parsed]:
    """Each non-blank line parsed into an ad, or rejected with the reason."""
    with open(path, "rb") as stream:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                yield parse_json_line(line, f"{path.name}:{number}")


def parse_json_line(line: bytes, location: str) -> Parsed:
    """One line of JSON as an ad, or the reason it is not one."""
    try:
        return Parsed(location, ad=ad_from_record(orjson.loads(line)))
    except orjson.JSONDecodeError as exc:
        return Parsed(location, error=f"not JSON (column {exc.colno})")
    except InputError as exc:
        return Parsed(location, error=exc.detail)
