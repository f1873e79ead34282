"""`threadline synth`: synthetic corpora with ground truth, for tests, floors and demos."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import track

from threadline.cli._common import open_output, show_progress, write_json_line
from threadline.synth import generate_ads

__all__ = ["synth"]


@click.group("synth")
def synth() -> None:
    """Synthetic data with its ground truth (`_truth`, see docs/truth.md)."""


@synth.command("ads")
@click.option(
    "-n",
    "count",
    type=click.IntRange(min=0),
    default=20_000,
    show_default=True,
    help="How many ads to write.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="The same seed and -n give byte-identical output.",
)
@click.option(
    "-o", "--output", default="-", show_default=True, help="JSON lines file, or - for stdout."
)
@click.option(
    "--images",
    "images",
    type=click.Path(file_okay=False, path_type=Path),
    help="Image folder [default: images/ beside -o; none for stdout].",
)
def ads(count: int, seed: int, output: str, images: Path | None) -> None:
    """Write N ad records (JSON lines) with networks, identifiers and images planted."""
    image_dir = _image_dir(output, images)
    base = Path.cwd() if output == "-" else Path(output).absolute().parent
    base.mkdir(parents=True, exist_ok=True)
    records = generate_ads(count, seed, image_dir, relative_to=base)
    with open_output(output) as stream:
        for record in _progress(records, count):
            write_json_line(stream, record)


def _image_dir(output: str, images: Path | None) -> Path | None:
    """Where images go: as asked, else beside the output file; nowhere for stdout."""
    if images is not None:
        return images.absolute()
    if output == "-":
        return None
    return Path(output).absolute().parent / "images"


def _progress(records: Iterator[dict[str, Any]], total: int) -> Iterable[dict[str, Any]]:
    """The records, with a progress bar on a terminal only."""
    if not show_progress():
        return records
    return track(records, total=total, description="ads", console=Console(stderr=True))
