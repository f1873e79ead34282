"""Ingest files into the database in batches, each batch one transaction."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection

from threadline.ingest.sources import Parsed, Reader, reader_for
from threadline.model import Ad, ImageRef
from threadline.store import (
    BlobStore,
    Database,
    InsertedAds,
    SaveCounts,
    ensure_source,
    index_new_ads,
    insert_ads,
    register_images,
)

BATCH_SIZE = 5000
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Rejection:
    """A line or row that was not ingested, and why."""

    location: str
    reason: str


@dataclass(slots=True)
class IngestReport:
    """What an ingest run read, stored and rejected."""

    read: int = 0
    counts: SaveCounts = field(default_factory=SaveCounts)
    rejected: list[Rejection] = field(default_factory=list)
    stopped_early: bool = False


def ingest_files(
    database: Database,
    paths: Iterable[Path],
    source: str,
    *,
    strict: bool = False,
    blobs: BlobStore | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> IngestReport:
    """Read every file, store its ads; with `strict`, stop at the first bad record.

    Local image files named by `path` (relative to the record's file) are copied into the
    blob store and named by their SHA-256. Everything before a stop is committed; nothing
    after it is written.
    """
    readers = [(path, reader_for(path)) for path in paths]  # fail before writing anything
    report = IngestReport()
    with database.transaction() as connection:
        source_id = ensure_source(connection, source)
    with _collector_paused():
        _ingest_readers(database, readers, source_id, report, strict, blobs, on_batch)
    return report


def _ingest_readers(
    database: Database,
    readers: list[tuple[Path, Reader]],
    source_id: int,
    report: IngestReport,
    strict: bool,
    blobs: BlobStore | None,
    on_batch: Callable[[int], None] | None,
) -> None:
    """Each batch in its own transaction, whose last steps overlap the reading of the next.

    This thread inserts a batch; a committer thread then fills SQLite's full-text index and
    counts for it and commits, while this thread reads and parses the next batch. Those last
    steps are single SQLite statements that run without the GIL (a third of ingest's time),
    so the two overlap on two cores. Inserts stay on this thread: an executemany hands the
    GIL over once per row, which on a busy second thread cost more than it saved. A batch's
    transaction begins only once the one before it is committed, so batches land in order.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-commit") as committer:
        pending: Future[SaveCounts] | None = None
        for new_images, batch in _read_batches(readers, report, strict, blobs):
            if pending is not None:
                _finish(pending.result(), report, on_batch)
            transaction = ExitStack()
            connection = transaction.enter_context(database.transaction())
            try:
                register_images(connection, new_images)
                inserted = insert_ads(connection, source_id, batch)
            except BaseException:
                with transaction:  # exits with the error: the transaction is rolled back
                    raise
            pending = committer.submit(_index_and_commit, transaction, connection, inserted)
            del batch  # one batch in memory at a time, not two
        if pending is not None:
            _finish(pending.result(), report, on_batch)


def _read_batches(
    readers: list[tuple[Path, Reader]],
    report: IngestReport,
    strict: bool,
    blobs: BlobStore | None,
) -> Iterator[tuple[dict[str, int], list[Ad]]]:
    """Batches of accepted ads, each with the image blobs first stored for it."""
    for path, reader in readers:
        records = _accept(reader(path), report, strict)
        images = _ImageCollector(path.parent, blobs)
        for batch in batches(records, BATCH_SIZE):
            attached = [images.attach(ad) for ad in batch]
            yield images.take_new(), attached
        if report.stopped_early:
            return


def _index_and_commit(
    transaction: ExitStack, connection: Connection, inserted: InsertedAds
) -> SaveCounts:
    with transaction:  # commits, or rolls back when the index step fails
        if inserted.new_rows:
            index_new_ads(connection, *inserted.new_rows)
    return inserted.counts


def _finish(
    counts: SaveCounts, report: IngestReport, on_batch: Callable[[int], None] | None
) -> None:
    report.counts += counts
    if on_batch:
        on_batch(counts.added + counts.updated + counts.unchanged)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while ingesting.

    Each batch allocates thousands of short-lived, acyclic objects (records, models, rows);
    they are freed by reference counting, yet they keep triggering full collector passes that
    cost about a fifth of ingest's CPU. Cycles made meanwhile are collected once at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _accept(parsed: Iterator[Parsed], report: IngestReport, strict: bool) -> Iterator[Ad]:
    for item in parsed:
        report.read += 1
        if item.ad is not None:
            yield item.ad
            continue
        report.rejected.append(Rejection(item.location, item.error))
        if strict:
            report.stopped_early = True
            return


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items in order, the last one shorter (itertools.batched from 3.12)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _ImageCollector:
    """Copies each local image file into the blob store once per run."""

    def __init__(self, base: Path, blobs: BlobStore | None) -> None:
        self.base = base
        self.blobs = blobs
        self.seen: dict[str, str | None] = {}
        self.new: dict[str, int] = {}

    def attach(self, ad: Ad) -> Ad:
        """The ad with the SHA-256 of every local image it names that could be read."""
        if self.blobs is None or not any(image.path for image in ad.images):
            return ad
        return replace(ad, images=tuple(self._attach_one(image) for image in ad.images))

    def take_new(self) -> dict[str, int]:
        """Blobs stored since the last call, with their sizes."""
        new, self.new = self.new, {}
        return new

    def _attach_one(self, image: ImageRef) -> ImageRef:
        if not image.path:
            return image
        if image.path not in self.seen:
            self.seen[image.path] = self._store(image.path)
        digest = self.seen[image.path]
        return replace(image, sha256=digest) if digest else image

    def _store(self, relative: str) -> str | None:
        assert self.blobs is not None
        path = (self.base / relative).resolve()
        if not path.is_file():
            return None  # a missing picture is not a reason to drop the ad
        data = path.read_bytes()
        digest = self.blobs.put(data)
        self.new[digest] = len(data)
        return digest
