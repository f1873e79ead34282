"""Ingest: read ad corpora (JSON lines, CSV) into the database."""

from threadline.ingest.loader import BATCH_SIZE, IngestReport, Rejection, ingest_files
from threadline.ingest.sources import READERS, Parsed, reader_for

__all__ = [
    "BATCH_SIZE",
    "READERS",
    "IngestReport",
    "Parsed",
    "Rejection",
    "ingest_files",
    "reader_for",
]
