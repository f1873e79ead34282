"""Ingest: read ad corpora (JSON lines, CSV, HTML, WARC) and crawl mapped sites.

JSON lines and CSV load eagerly; the HTML, WARC and crawl parts (warcio, parsel, YAML, Scrapy's
launcher) are imported on first use, so `threadline ingest` of a JSON lines file does not pay
for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from threadline.ingest.loader import BATCH_SIZE, IngestReport, Rejection, ingest_files
from threadline.ingest.sources import READERS, Parsed, reader_for

if TYPE_CHECKING:
    from threadline.ingest.archive import WarcArchive, verify_capture
    from threadline.ingest.archive_loader import ArchiveReport, ingest_archives
    from threadline.ingest.collect import CollectOptions, CollectReport, collect_once
    from threadline.ingest.mapping import Mapping, load_mapping, read_mapping

_LAZY = {
    "WarcArchive": "threadline.ingest.archive",
    "verify_capture": "threadline.ingest.archive",
    "ArchiveReport": "threadline.ingest.archive_loader",
    "ingest_archives": "threadline.ingest.archive_loader",
    "CollectOptions": "threadline.ingest.collect",
    "CollectReport": "threadline.ingest.collect",
    "collect_once": "threadline.ingest.collect",
    "Mapping": "threadline.ingest.mapping",
    "load_mapping": "threadline.ingest.mapping",
    "read_mapping": "threadline.ingest.mapping",
}

__all__ = [
    "BATCH_SIZE",
    "READERS",
    "ArchiveReport",
    "CollectOptions",
    "CollectReport",
    "IngestReport",
    "Mapping",
    "Parsed",
    "Rejection",
    "WarcArchive",
    "collect_once",
    "ingest_archives",
    "ingest_files",
    "load_mapping",
    "read_mapping",
    "reader_for",
    "verify_capture",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value
