"""`threadline extract`: add the `extracted` object to every ad record of a JSON lines stream."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import click
import orjson

from threadline.cli._common import get_settings, open_input, open_output, write_json_line
from threadline.errors import InputError
from threadline.extract import extract_ad, extraction_to_record
from threadline.model import ad_from_record

__all__ = ["extract"]


@click.command("extract")
@click.option("-i", "--input", "input_path", default="-", show_default=True, help="JSON lines in.")
@click.option(
    "-o", "--output", "output_path", default="-", show_default=True, help="JSON lines out."
)
@click.pass_context
def extract(ctx: click.Context, input_path: str, output_path: str) -> int:
    """Find phones, e-mails, handles, ages, prices, places and indicators in ad records.

    Each record comes out with an `extracted` object; every finding carries the text span
    that proves it. A malformed line is reported on stderr and skipped; the exit status is
    then 1.
    """
    region = get_settings(ctx).default_region
    failed = 0
    with open_input(input_path) as source, open_output(output_path) as sink:
        for record in _records(source, input_path):
            if isinstance(record, str):
                click.echo(f"error: {record}", err=True)
                failed += 1
                continue
            write_json_line(sink, _extracted(record, region))
    if failed:
        ctx.exit(1)
    return 0


def _records(stream: IO[bytes], name: str) -> Iterator[dict[str, Any] | str]:
    """Decoded records, or for a malformed line a message naming it (the stream goes on)."""
    label = "<stdin>" if name == "-" else name
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield f"{label}:{number}: not JSON ({exc.msg})"
            continue
        if not isinstance(value, dict):
            yield f"{label}:{number}: not a JSON object"
            continue
        try:
            ad_from_record(value)
        except InputError as exc:
            yield f"{label}:{number}: {exc.detail}"
            continue
        yield value


def _extracted(record: dict[str, Any], region: str) -> dict[str, Any]:
    """The record as it came, with the `extracted` object added."""
    extraction = extract_ad(ad_from_record(record), region)
    return {**record, "extracted": extraction_to_record(extraction)}
