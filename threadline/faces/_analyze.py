"""Faces in ad images: each stored image once per model, then candidates for review."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from threadline.errors import NotFoundError
from threadline.faces._gallery import load_gallery
from threadline.faces._match import DEFAULT_THRESHOLD, Candidate, Gallery, from_bytes, to_bytes
from threadline.faces._model import FaceModel, load_model
from threadline.faces._scan import Face, Scan, try_scan
from threadline.store import BlobStore, Database
from threadline.store.faces import (
    CandidateRow,
    EncodingRow,
    FaceRow,
    ad_face_encodings,
    save_candidates,
    save_image_faces,
    unprocessed_images,
)

BATCH = 200
Progress = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class ImageProblem:
    """An image that could not be searched for faces, and why."""

    name: str  # SHA-256 of a stored image, or the path of a file given to `match`
    reason: str


@dataclass(frozen=True, slots=True)
class FaceRunReport:
    """What a face run did: images read, faces stored, problems, candidates queued."""

    images: int
    faces: int
    candidates: int
    model: str
    threshold: float
    problems: tuple[ImageProblem, ...]


@dataclass(frozen=True, slots=True)
class FaceMatch:
    """A face in a file an analyst brought, with its candidates (leads, not identities)."""

    image: str
    face: Face
    candidates: tuple[Candidate, ...]


def analyze_ad_faces(
    database: Database,
    blobs: BlobStore,
    model: FaceModel | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    top: int = 5,
    progress: Progress | None = None,
) -> FaceRunReport:
    """Detect and encode faces in every stored ad image this model has not seen, then queue
    the gallery persons nearer than the threshold for review.

    Each image is committed as it is done, so an interrupted run resumes where it stopped;
    a file that cannot be read is recorded with its reason and never retried.
    """
    model = model or load_model()
    images = faces = 0
    problems: list[ImageProblem] = []
    new_faces: list[int] = []
    while hashes := _next_batch(database, model):
        for sha in hashes:
            ids, problem = _process(database, blobs, model, sha)
            new_faces.extend(ids)
            problems.extend([problem] if problem else [])
        images, faces = images + len(hashes), len(new_faces)
        if progress:
            progress("faces", len(hashes))
    queued = queue_candidates(database, model, threshold, top, new_faces)
    return FaceRunReport(images, faces, queued, model.version, threshold, tuple(problems))


def queue_candidates(
    database: Database,
    model: FaceModel,
    threshold: float = DEFAULT_THRESHOLD,
    top: int = 5,
    face_ids: Sequence[int] | None = None,
) -> int:
    """Search the gallery for stored ad faces (all, or these) and queue new candidates."""
    gallery = load_gallery(database, model)
    if not len(gallery) or (face_ids is not None and not face_ids):
        return 0
    with database.transaction() as connection:
        rows = ad_face_encodings(connection, model.version, face_ids)
    found = gallery.candidates([from_bytes(r.embedding) for r in rows], threshold, top)
    queue = [
        _candidate_row(row, rank, candidate, threshold, model.version)
        for row, candidates in zip(rows, found, strict=True)
        for rank, candidate in enumerate(candidates, start=1)
    ]
    with database.transaction() as connection:
        return save_candidates(connection, queue, datetime.now(UTC))


def match_files(
    model: FaceModel,
    gallery: Gallery,
    paths: Sequence[Path],
    threshold: float = DEFAULT_THRESHOLD,
    top: int = 5,
) -> tuple[list[FaceMatch], list[ImageProblem]]:
    """Candidates for every face in each file; a file that cannot be used is a problem."""
    matches: list[FaceMatch] = []
    problems: list[ImageProblem] = []
    for path in paths:
        scan, reason = _scan_file(model, path)
        if scan is None:
            problems.append(ImageProblem(str(path), reason))
            continue
        found = gallery.candidates([f.encoding for f in scan.faces], threshold, top)
        matches.extend(
            FaceMatch(str(path), face, tuple(c)) for face, c in zip(scan.faces, found, strict=True)
        )
    return matches, problems


def _next_batch(database: Database, model: FaceModel) -> list[str]:
    with database.transaction() as connection:
        return unprocessed_images(connection, model.version, BATCH)


def _process(
    database: Database, blobs: BlobStore, model: FaceModel, sha: str
) -> tuple[list[int], ImageProblem | None]:
    scan, reason = _scan_blob(blobs, model, sha)
    rows = [] if scan is None else [_face_row(face) for face in scan.faces]
    with database.transaction() as connection:
        ids = save_image_faces(
            connection, sha, model.version, rows, reason or None, datetime.now(UTC)
        )
    return ids, ImageProblem(sha, reason) if scan is None else None


def _scan_blob(blobs: BlobStore, model: FaceModel, sha: str) -> tuple[Scan | None, str]:
    try:
        data = blobs.get(sha)
    except NotFoundError:
        return None, "image blob is missing from the blob store"
    return try_scan(model, data)


def _scan_file(model: FaceModel, path: Path) -> tuple[Scan | None, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"
    return try_scan(model, data)


def _face_row(face: Face) -> FaceRow:
    return FaceRow(face.number, face.box.as_list(), to_bytes(face.encoding))


def _candidate_row(
    row: EncodingRow, rank: int, candidate: Candidate, threshold: float, model: str
) -> CandidateRow:
    return CandidateRow(
        ad_face_id=row.id,
        person_id=candidate.person_id,
        gallery_face_id=candidate.gallery_face_id,
        rank=rank,
        distance=round(candidate.distance, 6),
        confidence=candidate.confidence,
        threshold=threshold,
        model=model,
    )
