"""WARC files from any crawler (Threadline, Heritrix, Browsertrix, wget --warc-file).

Two passes over each file: first the archived images (so an ad can name the SHA-256 of each
picture), then the ad pages, read through the site mapping. Each ad keeps a pointer to the
record it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from threadline.ingest.archive import WarcResponse, iter_warc_responses
from threadline.ingest.mapping import Mapping
from threadline.ingest.sources._parsed import Parsed
from threadline.ingest.sources.html import parse_ad_page
from threadline.model import Ad

__all__ = ["WARC_SUFFIXES", "Capture", "CapturedPage", "index_images", "is_warc", "read_warc"]

WARC_SUFFIXES = (".warc", ".warc.gz")
ImageSink = Callable[[bytes], str]  # stores an image's bytes, returns their SHA-256


@dataclass(frozen=True, slots=True)
class Capture:
    """Where an ad's page lies in the archive, and the SHA-256 of its payload."""

    url: str
    warc_path: str
    record_id: str
    offset: int
    sha256: str
    fetched_at: datetime | None


@dataclass(frozen=True, slots=True)
class CapturedPage:
    """One ad page read from an archive: the parse result and the record it came from."""

    parsed: Parsed
    capture: Capture | None = None


def is_warc(path: Path) -> bool:
    """True for `.warc` and `.warc.gz` files."""
    return path.name.lower().endswith(WARC_SUFFIXES)


def index_images(path: Path, store: ImageSink | None) -> dict[str, str]:
    """Image URL → SHA-256 of every archived image that answered 200 (stored when asked)."""
    found: dict[str, str] = {}
    for item in iter_warc_responses(path, _is_image):
        if not isinstance(item, str) and item.status == 200:
            found[item.url] = store(item.payload) if store else item.sha256
    return found


def read_warc(
    path: Path, mapping: Mapping, images: dict[str, str] | None = None
) -> Iterator[CapturedPage]:
    """Every ad page (by the mapping's URL pattern, status 200) as an ad or a rejection."""
    for item in iter_warc_responses(path, lambda url, kind: _is_ad_page(mapping, url, kind)):
        if isinstance(item, str):
            yield CapturedPage(Parsed(path.name, error=item))
            return
        if item.status == 200:
            yield _page(item, mapping, images or {})


def _is_image(_url: str, content_type: str) -> bool:
    return content_type.lower().startswith("image/")


def _is_ad_page(mapping: Mapping, url: str, content_type: str) -> bool:
    kind = content_type.lower()
    return (not kind or "html" in kind) and mapping.is_ad_url(url)


def _page(item: WarcResponse, mapping: Mapping, images: dict[str, str]) -> CapturedPage:
    found = parse_ad_page(item.payload, item.url, item.content_type, mapping, images)
    if not isinstance(found, Ad):
        return CapturedPage(Parsed(item.url, error=found))
    capture = Capture(
        url=item.url,
        warc_path=str(item.path),
        record_id=item.record_id,
        offset=item.offset,
        sha256=item.sha256,
        fetched_at=item.fetched_at,
    )
    return CapturedPage(Parsed(item.url, ad=found), capture)
