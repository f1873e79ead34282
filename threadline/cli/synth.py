"""`threadline synth`: synthetic corpora with ground truth, for tests, floors and demos."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import track

from threadline.cli._common import open_output, show_progress, write_json_line
from threadline.synth import SynthSite, generate_ads

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


@synth.command("site")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Loopback port."
)
@click.option(
    "-n", "count", type=click.IntRange(min=0), default=500, show_default=True, help="Ads served."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Corpus seed.")
@click.option(
    "--images",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/site-images"),
    show_default=True,
    help="Folder for the ads' images.",
)
@click.option(
    "--remove-after-visits",
    type=click.IntRange(min=0),
    help="After this many visits (robots.txt fetches), take some ads down and edit others.",
)
@click.option("--bad-pages", is_flag=True, help="Also link pages that break crawlers.")
def site(
    port: int, count: int, seed: int, images: Path, remove_after_visits: int | None, bad_pages: bool
) -> None:
    """Serve the synthetic corpus as a classified-ad website on 127.0.0.1 (mapping synth-site)."""
    served = SynthSite(
        count, seed, images.absolute(), bad_pages=bad_pages, remove_after_visits=remove_after_visits
    )
    url = served.start(port)
    click.echo(f"serving {len(served.ads)} ads at {url}/ (Ctrl-C stops)", err=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        served.stop()


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
