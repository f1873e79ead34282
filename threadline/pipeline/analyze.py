"""`analyze`: extraction and linking over the ads in the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from threadline.errors import ThreadlineError
from threadline.extract import extract_ad
from threadline.faces import FaceRunReport, analyze_ad_faces, load_model
from threadline.link import LinkResult, LinkState, NetworkSummary, hash_image, link_ads
from threadline.store import (
    AnalyzedAd,
    BlobStore,
    Database,
    NetworkRecord,
    get_ads,
    images_without_phash,
    iter_ad_evidence,
    replace_networks,
    save_extractions,
    set_phashes,
    unanalyzed_row_ids,
)

T = TypeVar("T")
BATCH = 1000
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


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    """Where analysis keeps its files and how it labels and keys what it stores."""

    state_path: Path
    blobs: BlobStore
    secret_key: bytes
    region: str = "US"
    face_model: str | None = None  # set to detect faces and queue gallery candidates
    face_threshold: float = 0.6


def analyze(
    database: Database, options: AnalyzeOptions, progress: Progress | None = None
) -> AnalyzeReport:
    """Extract what is new or changed, hash new images, then link every ad into networks.

    Linking is incremental: the persisted link state takes only ads it has not seen; when an
    ad it has seen was changed, the state is rebuilt from the whole corpus.
    """
    changed = extract_stored(database, options, progress)
    hashed = hash_images(database, options.blobs, progress)
    faces = _faces(database, options, progress)
    state, rebuilt = _link_state(options.state_path, changed)
    result = link_stored(database, state, progress)
    state.save(options.state_path)
    networks = _store_networks(database, result)
    return AnalyzeReport(
        extracted=len(changed),
        images_hashed=hashed,
        linked=len(result.memberships),
        networks=networks,
        set_aside=len(result.set_aside),
        rebuilt=rebuilt,
        faces=faces,
    )


def extract_stored(
    database: Database, options: AnalyzeOptions, progress: Progress | None = None
) -> list[int]:
    """Run extraction on every ad never analyzed or changed since; return their row ids."""
    with database.transaction() as connection:
        row_ids = unanalyzed_row_ids(connection)
    for chunk in _chunks(row_ids, BATCH):
        with database.transaction() as connection:
            batch = [
                AnalyzedAd(s.row_id, s.content_hash, extract_ad(s.ad, options.region))
                for s in get_ads(connection, chunk)
            ]
            save_extractions(connection, batch, options.secret_key)
        if progress:
            progress("extract", len(chunk))
    return row_ids


def hash_images(database: Database, blobs: BlobStore, progress: Progress | None = None) -> int:
    """Perceptually hash every stored image blob once; unreadable images are marked, not retried."""
    with database.transaction() as connection:
        pending = images_without_phash(connection)
    for chunk in _chunks(pending, BATCH):
        phashes = {digest: _phash_or_blank(blobs, digest) for digest in chunk}
        with database.transaction() as connection:
            set_phashes(connection, phashes)
        if progress:
            progress("images", len(chunk))
    return len(pending)


def link_stored(
    database: Database, state: LinkState, progress: Progress | None = None
) -> LinkResult:
    """Link the stored ads the state has not seen into the state's networks."""
    with database.transaction() as connection:
        fresh = [e for e in iter_ad_evidence(connection) if e.ad_id not in state.ads.index]
    if progress:
        progress("link", len(fresh))
    return link_ads(fresh, state)


def _faces(
    database: Database, options: AnalyzeOptions, progress: Progress | None
) -> FaceRunReport | None:
    if options.face_model is None:
        return None
    model = load_model(options.face_model)
    return analyze_ad_faces(
        database, options.blobs, model, options.face_threshold, progress=progress
    )


def _link_state(path: Path, changed: list[int]) -> tuple[LinkState, bool]:
    if not path.exists():
        return LinkState(), True
    state = LinkState.load(path)
    if any(str(row_id) in state.ads.index for row_id in changed):
        return LinkState(), True
    return state, False


def _store_networks(database: Database, result: LinkResult) -> int:
    vias = {m.ad_id: tuple(v.label() for v in m.via) for m in result.memberships}
    records = (_record(summary, vias) for summary in result.networks)
    with database.transaction() as connection:
        return replace_networks(connection, records)


def _record(summary: NetworkSummary, vias: dict[str, tuple[str, ...]]) -> NetworkRecord:
    return NetworkRecord(
        id=summary.id,
        size=len(summary.ads),
        first_seen=summary.first_seen,
        last_seen=summary.last_seen,
        risk_max=summary.max_risk,
        juvenile=bool(summary.juvenile_ads),
        summary=summary.to_record(),
        members=tuple((int(ad_id), vias.get(ad_id, ())) for ad_id in summary.ads),
    )


def _phash_or_blank(blobs: BlobStore, digest: str) -> str:
    try:
        return hash_image(blobs.get(digest))
    except ThreadlineError:
        return ""  # recorded as unhashable, so it is not retried on every run


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
