"""`analyze`: extraction and linking over the ads in the database."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from itertools import islice
from pathlib import Path
from typing import TypeVar

from threadline.errors import ThreadlineError
from threadline.extract import extract_ad
from threadline.faces import FaceRunReport, analyze_ad_faces, load_model
from threadline.link import (
    LinkResult,
    LinkState,
    Signatures,
    TextStore,
    hash_image,
    link_ads,
)
from threadline.model import AdEvidence
from threadline.pipeline._partitioned import Part, link_partitioned, network_record, prepare
from threadline.pipeline.executors import Executor, Handle, LocalExecutor
from threadline.pipeline.terms import refresh_terms
from threadline.store import (
    AnalyzedAd,
    BlobStore,
    Database,
    StoredAd,
    count_ads,
    get_ads,
    images_without_phash,
    iter_ad_evidence,
    partition_starts,
    replace_networks,
    save_extractions,
    set_phashes,
    unanalyzed_row_ids,
)

T = TypeVar("T")
BATCH = 1000
LINK_PARTITION = 20_000  # ads a worker links at once, at the least
MAX_LINK_PARTITIONS = 64  # two shuffles move pieces between every pair of partitions
Progress = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class AnalyzeReport:
    """What one analysis run did."""

    extracted: int
    images_hashed: int
    linked: int
    networks: int
    set_aside: int
    rebuilt: bool
    faces: FaceRunReport | None = None
    terms_recounted: bool = False  # corpus terms counted afresh, not just the new ads


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    """Where analysis keeps its files and how it labels and keys what it stores."""

    state_path: Path
    blobs: BlobStore
    secret_key: bytes
    region: str = "US"
    face_model: str | None = None  # set to detect faces and queue gallery candidates
    face_threshold: float = 0.6
    link_partition: int = LINK_PARTITION  # ads per partition when a cluster links


def analyze(
    database: Database,
    options: AnalyzeOptions,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> AnalyzeReport:
    """Extract what is new or changed, hash new images, then link every ad into networks.

    Linking is incremental: the persisted link state takes only ads it has not seen; when an
    ad it has seen was changed, the state is rebuilt from the whole corpus. The executor runs
    extraction and image hashing per partition (in process by default); the global merge of
    networks runs here, through the one `LinkState`, so every executor gives the same networks.
    """
    changed = extract_stored(database, options, progress, executor)
    hashed = hash_images(database, options.blobs, progress, executor)
    faces = _faces(database, options, progress)
    if executor is None or executor.name == "local":
        linked = _link_here(database, options, changed, progress)
    else:
        linked = _link_across(database, executor, options.link_partition, progress)
        options.state_path.unlink(missing_ok=True)  # it no longer holds these networks
    recounted = refresh_terms(database, changed)
    return AnalyzeReport(
        extracted=len(changed),
        images_hashed=hashed,
        linked=linked.ads,
        networks=linked.networks,
        set_aside=linked.set_aside,
        rebuilt=linked.rebuilt,
        faces=faces,
        terms_recounted=recounted,
    )


@dataclass(frozen=True, slots=True)
class _Linked:
    ads: int
    networks: int
    set_aside: int
    rebuilt: bool


def _link_here(
    database: Database, options: AnalyzeOptions, changed: list[int], progress: Progress | None
) -> _Linked:
    """Link in this process through the persisted state: only new ads, unless some changed."""
    state, rebuilt = _link_state(options.state_path, changed, options.secret_key)
    result = link_stored(database, state, progress)
    state.save(options.state_path, options.secret_key)
    networks = _store_networks(database, result)
    return _Linked(len(result.memberships), networks, len(result.set_aside), rebuilt)


def _link_across(
    database: Database, run: Executor, size: int, progress: Progress | None = None
) -> _Linked:
    """Link every stored ad on the executor's workers, partitioned by row id, and store the
    networks: the same networks as `link_stored` gives from scratch, the driver holding only
    what crosses partitions. On PostgreSQL each worker reads its own partitions."""
    with database.transaction() as connection:
        total = count_ads(connection)
        size = max(size, math.ceil(total / MAX_LINK_PARTITIONS))
        starts = partition_starts(connection, size)
    lasts: list[int | None] = [start - 1 for start in starts[1:]]
    bounds = list(zip(starts, [*lasts, None] if starts else [], strict=True))
    if database.dialect == "postgresql":
        url = database.engine.url.render_as_string(hide_password=False)
        parts = [run.submit(prepare_range, url, first, last) for first, last in bounds]
    else:
        parts = list(_submitted(database, run, bounds))
    linked = link_partitioned(run, parts, starts, _shards(run, len(parts)))
    if progress:
        progress("link", linked.ads)
    records = (network_record(s, v) for h in linked.networks for s, v in h.result())
    with database.transaction() as connection:
        networks = replace_networks(connection, records)
    return _Linked(linked.ads, networks, linked.set_aside, True)


def _submitted(
    database: Database, run: Executor, bounds: list[tuple[int, int | None]]
) -> Iterator[Handle[Part]]:
    """Partitions read here and prepared there, a few ahead of the workers: each is sent
    to a worker first, so the scheduler holds a reference to it, not the ads."""
    window: deque[Handle[Part]] = deque()
    for first, last in bounds:
        if len(window) >= 2 * run.threads():
            run.wait([window.popleft()])
        window.append(run.submit(_prepared, run.put(_read(database, first, last))))
        yield window[-1]


def _shards(run: Executor, parts: int) -> int:
    return max(1, min(parts, 2 * run.threads()))


def _read(database: Database, first: int, last: int | None) -> list[AdEvidence]:
    with database.transaction() as connection:
        return list(iter_ad_evidence(connection, after=first - 1, upto=last))


def _prepared(evidence: list[AdEvidence]) -> Part:
    return prepare(evidence, [int(item.ad_id) for item in evidence])


def prepare_range(url: str, first: int, last: int | None) -> Part:
    """A worker reads and prepares one partition of ads (row ids `first` to `last`)."""
    return _prepared(_read(worker_database(url), first, last))


def extract_stored(
    database: Database,
    options: AnalyzeOptions,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> list[int]:
    """Run extraction on every ad never analyzed or changed since; return their row ids.

    Partitions are ranges of row ids. In process, and on a cluster over SQLite (one file, one
    writer), the driver reads and writes each partition and the executor only extracts; on a
    cluster over PostgreSQL each worker reads, extracts and writes its own partitions. Each
    result is stored with the content hash of the version read, so an ad changed meanwhile
    is redone on the next run.
    """
    with database.transaction() as connection:
        row_ids = unanalyzed_row_ids(connection)
    run = executor or LocalExecutor()
    if run.name != "local" and database.dialect == "postgresql":
        url = database.engine.url.render_as_string(hide_password=False)
        work = partial(extract_range, url, options.secret_key, options.region)
        counts: Iterator[int] = run.map(work, _batched(row_ids, BATCH))
    else:
        counts = _extract_here(database, options, run, row_ids)
    for count in counts:
        if progress:
            progress("extract", count)
    return row_ids


def _extract_here(
    database: Database, options: AnalyzeOptions, run: Executor, row_ids: list[int]
) -> Iterator[int]:
    work = partial(extract_partition, region=options.region)
    for batch in run.map(work, _stored_partitions(database, row_ids)):
        with database.transaction() as connection:
            save_extractions(connection, batch, options.secret_key)
        yield len(batch)


def extract_range(url: str, secret_key: bytes, region: str, row_ids: list[int]) -> int:
    """Read, extract and store one partition of row ids (a worker with its own connection)."""
    database = worker_database(url)
    with database.transaction() as connection:
        stored = get_ads(connection, row_ids)
    batch = extract_partition(stored, region)
    with database.transaction() as connection:
        save_extractions(connection, batch, secret_key)
    return len(batch)


@cache
def worker_database(url: str) -> Database:
    """One database (engine and pool) per URL per worker process, kept between tasks."""
    return Database(url)


def extract_partition(stored: list[StoredAd], region: str) -> list[AnalyzedAd]:
    """Extraction of one partition of stored ads (pure: runs on any worker)."""
    return [AnalyzedAd(s.row_id, s.content_hash, extract_ad(s.ad, region)) for s in stored]


def hash_images(
    database: Database,
    blobs: BlobStore,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> int:
    """Perceptually hash every stored image blob once; unreadable images are marked, not retried.

    With a cluster, workers read the blobs themselves: the blob folder must be shared.
    """
    with database.transaction() as connection:
        pending = images_without_phash(connection)
    run = executor or LocalExecutor()
    for phashes in run.map(partial(hash_partition, blobs), _batched(pending, BATCH)):
        with database.transaction() as connection:
            set_phashes(connection, phashes)
        if progress:
            progress("images", len(phashes))
    return len(pending)


def hash_partition(blobs: BlobStore, digests: list[str]) -> dict[str, str]:
    """Perceptual hashes of one partition of blobs ("" for an unreadable image)."""
    return {digest: _phash_or_blank(blobs, digest) for digest in digests}


def link_stored(
    database: Database, state: LinkState, progress: Progress | None = None
) -> LinkResult:
    """Link the stored ads the state has not seen into the state's networks, in process.

    Template signatures are computed partition by partition as the ads are read; the
    evidence is then kept without its text, which a `TextStore` holds compactly.
    """
    run = LocalExecutor()
    store = TextStore()
    kept: list[AdEvidence] = []

    def partitions(evidence: Iterable[AdEvidence]) -> Iterator[list[AdEvidence]]:
        for part in _batched(evidence, BATCH):
            kept.extend(store.keep(item) for item in part)
            yield part

    with database.transaction() as connection:
        fresh = (e for e in iter_ad_evidence(connection) if e.ad_id not in state.ads.index)
        signatures = Signatures.joined(run.map(Signatures.of, partitions(fresh)))
    if progress:
        progress("link", len(kept))
    return link_ads(kept, state, signatures=signatures, texts=store)


def _faces(
    database: Database, options: AnalyzeOptions, progress: Progress | None
) -> FaceRunReport | None:
    if options.face_model is None:
        return None
    model = load_model(options.face_model)
    return analyze_ad_faces(
        database, options.blobs, model, options.face_threshold, progress=progress
    )


def _link_state(path: Path, changed: list[int], key: bytes) -> tuple[LinkState, bool]:
    if not path.exists():
        return LinkState(), True
    state = LinkState.load(path, key)
    if any(str(row_id) in state.ads.index for row_id in changed):
        return LinkState(), True
    return state, False


def _store_networks(database: Database, result: LinkResult) -> int:
    vias = {m.ad_id: tuple(v.label() for v in m.via) for m in result.memberships}
    records = (network_record(summary, vias) for summary in result.networks)
    with database.transaction() as connection:
        return replace_networks(connection, records)


def _phash_or_blank(blobs: BlobStore, digest: str) -> str:
    try:
        return hash_image(blobs.get(digest))
    except ThreadlineError:
        return ""  # recorded as unhashable, so it is not retried on every run


def _stored_partitions(database: Database, row_ids: list[int]) -> Iterator[list[StoredAd]]:
    """Partitions of ads by row-id range, each read in its own short transaction."""
    for chunk in _batched(row_ids, BATCH):
        with database.transaction() as connection:
            stored = get_ads(connection, chunk)
        yield stored


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
