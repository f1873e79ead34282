"""`threadline extract`: add the `extracted` object to every ad record of a JSON lines stream."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from functools import partial
from typing import IO, Any

import click
import orjson

from threadline.cli._common import get_settings, open_input, open_output, write_json_line
from threadline.cli.analyze import executor_options
from threadline.errors import InputError
from threadline.extract import extract_ad, extraction_to_record
from threadline.model import ad_from_record
from threadline.pipeline import make_executor

__all__ = ["extract", "extracted_partition", "record_partitions"]
PARTITION = 1000  # records per task: big enough to hide the scheduling cost


@click.command("extract")
@click.option("-i", "--input", "input_path", default="-", show_default=True, help="JSON lines in.")
@click.option(
    "-o", "--output", "output_path", default="-", show_default=True, help="JSON lines out."
)
@executor_options
@click.pass_context
def extract(
    ctx: click.Context,
    input_path: str,
    output_path: str,
    executor: str,
    scheduler: str | None,
    dask_workers: int | None,
) -> int:
    """Find phones, e-mails, handles, ages, prices, places and indicators in ad records.

    Each record comes out with an `extracted` object; every finding carries the text span
    that proves it. A malformed line is reported on stderr and skipped; the exit status is
    then 1.
    """
    region = get_settings(ctx).default_region
    failed: list[str] = []
    work = partial(extracted_partition, region=region)
    with (
        closing(make_executor(executor, scheduler, dask_workers)) as runner,
        open_input(input_path) as source,
        open_output(output_path) as sink,
    ):
        parts = record_partitions(_valid(_records(source, input_path), failed))
        for part in runner.map(work, parts):
            for record in part:
                write_json_line(sink, record)
    if failed:
        ctx.exit(1)
    return 0


def extracted_partition(records: list[dict[str, Any]], region: str) -> list[dict[str, Any]]:
    """One partition of records with `extracted` added (pure: runs on any worker)."""
    return [_extracted(record, region) for record in records]


def _valid(records: Iterator[dict[str, Any] | str], failed: list[str]) -> Iterator[dict[str, Any]]:
    """The good records; each bad line is reported on stderr and remembered in `failed`."""
    for record in records:
        if isinstance(record, str):
            click.echo(f"error: {record}", err=True)
            failed.append(record)
            continue
        yield record


def record_partitions(records: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Records in lists of PARTITION, in order."""
    part: list[dict[str, Any]] = []
    for record in records:
        part.append(record)
        if len(part) >= PARTITION:
            yield part
            part = []
    if part:
        yield part


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
