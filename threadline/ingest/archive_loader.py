"""Ingest saved HTML pages and WARC files through a site mapping, keeping WARC pointers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection

from threadline.ingest.loader import BATCH_SIZE, IngestReport, Rejection, batches
from threadline.ingest.mapping import Mapping
from threadline.ingest.sources.html import HTML_SUFFIXES, read_html
from threadline.ingest.sources.warc import CapturedPage, index_images, is_warc, read_warc
from threadline.store import (
    BlobStore,
    Database,
    SaveCounts,
    ensure_source,
    register_images,
    save_ads,
)
from threadline.store.collect import CaptureRow, ad_states, restore_seen, save_captures

__all__ = ["ArchiveReport", "archive_files", "ingest_archives"]


@dataclass(slots=True)
class ArchiveReport(IngestReport):
    """An ingest report that also names the ads seen (external ids)."""

    seen: set[str] = field(default_factory=set)

    def add(self, other: ArchiveReport) -> None:
        """Count another ingest's pages, ads and rejections in this report."""
        self.read += other.read
        self.counts += other.counts
        self.rejected.extend(other.rejected)
        self.seen |= other.seen
        self.stopped_early = self.stopped_early or other.stopped_early


def archive_files(paths: Iterable[Path]) -> list[Path]:
    """The HTML and WARC files among `paths`, folders searched recursively, in name order."""
    found: list[Path] = []
    for path in paths:
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        found.extend(p for p in candidates if p.is_file() and _readable(p))
    return found


def _readable(path: Path) -> bool:
    return is_warc(path) or path.suffix.lower() in HTML_SUFFIXES


def ingest_archives(
    database: Database,
    paths: Iterable[Path],
    source: str,
    mapping: Mapping,
    *,
    strict: bool = False,
    blobs: BlobStore | None = None,
    on_batch: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ArchiveReport:
    """Store the ads on every page; each batch (ads, images, captures) is one transaction."""
    report = ArchiveReport()
    with database.transaction() as connection:
        source_id = ensure_source(connection, source)
    writer = _BatchWriter(database, source_id, blobs, on_batch)
    for path in archive_files(paths):
        pages = _accept(_pages(path, mapping, writer), report, strict)
        for batch in batches(pages, batch_size):
            report.counts += writer.write(batch)
            report.seen.update(page.parsed.ad.id for page in batch if page.parsed.ad)
        if report.stopped_early:
            break
    return report


def _pages(path: Path, mapping: Mapping, writer: _BatchWriter) -> Iterator[CapturedPage]:
    if not is_warc(path):
        return (CapturedPage(parsed) for parsed in read_html(path, mapping))
    images = index_images(path, writer.store_image if writer.blobs else None)
    return read_warc(path, mapping, images)


def _accept(
    pages: Iterator[CapturedPage], report: IngestReport, strict: bool
) -> Iterator[CapturedPage]:
    for page in pages:
        report.read += 1
        if page.parsed.ad is not None:
            yield page
            continue
        report.rejected.append(Rejection(page.parsed.location, page.parsed.error))
        if strict:
            report.stopped_early = True
            return


class _BatchWriter:
    """Saves batches of pages with their images and the captures of new versions."""

    def __init__(
        self,
        database: Database,
        source_id: int,
        blobs: BlobStore | None,
        on_batch: Callable[[int], None] | None,
    ) -> None:
        self.database = database
        self.source_id = source_id
        self.blobs = blobs
        self.on_batch = on_batch
        self.new_images: dict[str, int] = {}

    def store_image(self, data: bytes) -> str:
        """Put image bytes in the blob store; registered with the next batch."""
        assert self.blobs is not None
        digest = self.blobs.put(data)
        self.new_images[digest] = len(data)
        return digest

    def write(self, batch: list[CapturedPage]) -> SaveCounts:
        """One transaction: images, ads (new, changed, unchanged), captures, restorations."""
        latest = {page.parsed.ad.id: page for page in batch if page.parsed.ad is not None}
        ext_ids = list(latest)
        with self.database.transaction() as connection:
            register_images(connection, self.new_images)
            before = ad_states(connection, self.source_id, ext_ids)
            counts = save_ads(
                connection, self.source_id, [p.parsed.ad for p in batch if p.parsed.ad]
            )
            self._captures(connection, latest, before)
            restore_seen(connection, self.source_id, ext_ids)
        self.new_images = {}
        if self.on_batch:
            self.on_batch(len(batch))
        return counts

    def _captures(
        self,
        connection: Connection,
        latest: dict[str, CapturedPage],
        before: dict[str, tuple[int, int, str]],
    ) -> None:
        after = ad_states(connection, self.source_id, list(latest))
        rows = [
            _capture_row(page, after[ext_id][0], after[ext_id][1])
            for ext_id, page in latest.items()
            if page.capture is not None and before.get(ext_id) != after[ext_id]
        ]
        save_captures(connection, rows, datetime.now(UTC))


def _capture_row(page: CapturedPage, row_id: int, version: int) -> CaptureRow:
    capture = page.capture
    assert capture is not None
    return CaptureRow(
        ad_id=row_id,
        version=version,
        url=capture.url,
        warc_path=capture.warc_path,
        warc_record_id=capture.record_id,
        record_offset=capture.offset,
        sha256=capture.sha256,
        fetched_at=capture.fetched_at,
    )
