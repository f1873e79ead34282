"""Ingest: read ad corpora (JSON lines, CSV, HTML, WARC) and crawl mapped sites."""

from threadline.ingest.archive import WarcArchive, verify_capture
from threadline.ingest.archive_loader import ArchiveReport, ingest_archives
from threadline.ingest.collect import CollectOptions, CollectReport, collect_once
from threadline.ingest.loader import BATCH_SIZE, IngestReport, Rejection, ingest_files
from threadline.ingest.mapping import Mapping, load_mapping, read_mapping
from threadline.ingest.sources import READERS, Parsed, reader_for

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
