"""Repository of face matching: persons, gallery and ad encodings, candidates, reviews.

Encodings travel as bytes here (float32 little-endian); `threadline.faces` turns them into
vectors. Names and dates of birth arrive and leave as encrypted field tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from threadline.errors import InputError, NotFoundError
from threadline.store.tables import ad_images, images, memberships
from threadline.store.tables_faces import (
    ad_faces,
    face_candidates,
    face_gallery,
    face_images,
    face_persons,
    face_reviews,
)

DECISIONS = ("confirmed", "rejected", "unsure")


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A missing person as stored (personal fields still sealed)."""

    ext_id: str
    name_enc: str
    dob_enc: str | None = None
    missing_since: str | None = None
    agency: str | None = None
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class EncodingRow:
    """One stored face encoding: its row id, owner (person or image) and bytes."""

    id: int
    owner: int | str  # person id for gallery faces, image SHA-256 for ad faces
    embedding: bytes


@dataclass(frozen=True, slots=True)
class FaceRow:
    """A face to store for an image: its number, box and encoding."""

    number: int
    box: list[int]
    embedding: bytes


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """A gallery person proposed for an ad face, with what proposed it."""

    ad_face_id: int
    person_id: int
    gallery_face_id: int
    rank: int
    distance: float
    confidence: str
    threshold: float
    model: str


@dataclass(frozen=True, slots=True)
class QueuedCandidate:
    """A candidate as the review queue shows it."""

    id: int
    status: str
    distance: float
    confidence: str
    threshold: float
    model: str
    sha256: str
    box: list[int]
    person_ext_id: str
    name_enc: str
    gallery_sha256: str
    ad_ids: tuple[int, ...]
    created_at: datetime


def upsert_person(connection: Connection, person: PersonRow, at: datetime) -> int:
    """The person's row id; a known case number has its fields replaced."""
    values = {
        "name_enc": person.name_enc,
        "dob_enc": person.dob_enc,
        "missing_since": person.missing_since,
        "agency": person.agency,
        "contact": person.contact,
        "updated_at": at,
    }
    found = connection.execute(
        select(face_persons.c.id).where(face_persons.c.ext_id == person.ext_id)
    ).scalar_one_or_none()
    if found is not None:
        connection.execute(update(face_persons).where(face_persons.c.id == found).values(values))
        return int(found)
    return int(
        connection.execute(
            insert(face_persons)
            .values(ext_id=person.ext_id, created_at=at, **values)
            .returning(face_persons.c.id)
        ).scalar_one()
    )


def add_gallery_face(
    connection: Connection,
    person_id: int,
    sha256: str,
    photo: str,
    face: FaceRow,
    model: str,
    at: datetime,
) -> bool:
    """Store a gallery encoding; False when this photo is already enrolled for the person."""
    exists = connection.execute(
        select(face_gallery.c.id).where(
            face_gallery.c.person_id == person_id,
            face_gallery.c.sha256 == sha256,
            face_gallery.c.model == model,
        )
    ).first()
    if exists is not None:
        return False
    connection.execute(
        insert(face_gallery).values(
            person_id=person_id,
            sha256=sha256,
            photo=photo,
            box=face.box,
            model=model,
            embedding=face.embedding,
            created_at=at,
        )
    )
    return True


def gallery_encodings(connection: Connection, model: str) -> list[EncodingRow]:
    """Every gallery encoding the model made, in row order."""
    rows = connection.execute(
        select(face_gallery.c.id, face_gallery.c.person_id, face_gallery.c.embedding)
        .where(face_gallery.c.model == model)
        .order_by(face_gallery.c.id)
    )
    return [EncodingRow(int(r.id), int(r.person_id), bytes(r.embedding)) for r in rows]


def persons_by_id(connection: Connection, ids: Iterable[int]) -> dict[int, PersonRow]:
    """The persons with these row ids."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = connection.execute(select(face_persons).where(face_persons.c.id.in_(wanted)))
    return {int(r.id): _person(r) for r in rows}


def count_persons(connection: Connection) -> int:
    """How many persons the gallery holds."""
    return int(connection.execute(select(func.count()).select_from(face_persons)).scalar_one())


def unprocessed_images(connection: Connection, model: str, limit: int) -> list[str]:
    """SHA-256 of stored ad images the model has not looked at yet, oldest name first."""
    done = select(face_images.c.sha256).where(face_images.c.model == model)
    rows = connection.execute(
        select(images.c.sha256)
        .where(images.c.sha256.not_in(done))
        .order_by(images.c.sha256)
        .limit(limit)
    )
    return [str(r.sha256) for r in rows]


def save_image_faces(
    connection: Connection,
    sha256: str,
    model: str,
    faces: Sequence[FaceRow],
    error: str | None,
    at: datetime,
) -> list[int]:
    """Record that the model processed the image, with its faces or its error; face row ids."""
    connection.execute(
        insert(face_images).values(
            sha256=sha256, model=model, faces=len(faces), error=error, processed_at=at
        )
    )
    ids = []
    for face in faces:
        result = connection.execute(
            insert(ad_faces)
            .values(
                sha256=sha256,
                number=face.number,
                box=face.box,
                model=model,
                embedding=face.embedding,
            )
            .returning(ad_faces.c.id)
        )
        ids.append(int(result.scalar_one()))
    return ids


def ad_face_encodings(
    connection: Connection, model: str, ids: Sequence[int] | None = None
) -> list[EncodingRow]:
    """Ad-face encodings of the model (all, or those ids), owner = image SHA-256."""
    query = select(ad_faces.c.id, ad_faces.c.sha256, ad_faces.c.embedding).where(
        ad_faces.c.model == model
    )
    if ids is not None:
        query = query.where(ad_faces.c.id.in_(list(ids)))
    rows = connection.execute(query.order_by(ad_faces.c.id))
    return [EncodingRow(int(r.id), str(r.sha256), bytes(r.embedding)) for r in rows]


def save_candidates(
    connection: Connection, candidates: Iterable[CandidateRow], at: datetime
) -> int:
    """Queue new candidates as pending; an (ad face, person) pair already queued is kept."""
    added = 0
    for row in candidates:
        known = connection.execute(
            select(face_candidates.c.id).where(
                face_candidates.c.ad_face_id == row.ad_face_id,
                face_candidates.c.person_id == row.person_id,
            )
        ).first()
        if known is None:
            connection.execute(
                insert(face_candidates).values(status="pending", created_at=at, **_values(row))
            )
            added += 1
    return added


def list_candidates(
    connection: Connection, status: str | None = "pending", limit: int = 100
) -> list[QueuedCandidate]:
    """Candidates, nearest first, with the ads that use the image."""
    query = _queue_query()
    if status is not None:
        query = query.where(face_candidates.c.status == status)
    rows = connection.execute(
        query.order_by(face_candidates.c.distance, face_candidates.c.id).limit(limit)
    ).all()
    ads = ads_for_images(connection, {str(r.sha256) for r in rows})
    return [_queued(r, ads.get(str(r.sha256), ())) for r in rows]


def get_candidate(connection: Connection, candidate_id: int) -> QueuedCandidate:
    """One candidate; NotFoundError when there is none."""
    row = connection.execute(_queue_query().where(face_candidates.c.id == candidate_id)).first()
    if row is None:
        raise NotFoundError(f"no face candidate {candidate_id}")
    ads = ads_for_images(connection, {str(row.sha256)})
    return _queued(row, ads.get(str(row.sha256), ()))


def record_decision(
    connection: Connection,
    candidate_id: int,
    decision: str,
    reason: str,
    reviewer: str,
    at: datetime,
) -> int:
    """Set the candidate's status and keep the decision as a review row; its id."""
    if decision not in DECISIONS:
        raise InputError(f"decision must be one of {', '.join(DECISIONS)}")
    changed = connection.execute(
        update(face_candidates)
        .where(face_candidates.c.id == candidate_id)
        .values(status=decision, decided_at=at)
    )
    if changed.rowcount == 0:
        raise NotFoundError(f"no face candidate {candidate_id}")
    result = connection.execute(
        insert(face_reviews)
        .values(
            candidate_id=candidate_id,
            decision=decision,
            reason=reason,
            reviewer=reviewer,
            at=at,
        )
        .returning(face_reviews.c.id)
    )
    return int(result.scalar_one())


def reviews_of(connection: Connection, candidate_id: int) -> list[dict[str, Any]]:
    """Every decision taken on the candidate, oldest first."""
    rows = connection.execute(
        select(face_reviews)
        .where(face_reviews.c.candidate_id == candidate_id)
        .order_by(face_reviews.c.id)
    )
    return [dict(r._mapping) for r in rows]


def confirmed_match_networks(connection: Connection) -> list[str]:
    """Networks holding an ad whose face a reviewer confirmed as a gallery person."""
    rows = connection.execute(
        select(memberships.c.network_id)
        .distinct()
        .select_from(
            face_candidates.join(ad_faces, ad_faces.c.id == face_candidates.c.ad_face_id)
            .join(ad_images, ad_images.c.sha256 == ad_faces.c.sha256)
            .join(memberships, memberships.c.ad_id == ad_images.c.ad_id)
        )
        .where(face_candidates.c.status == "confirmed")
        .order_by(memberships.c.network_id)
    )
    return [str(r.network_id) for r in rows]


def _queue_query() -> Any:
    return select(
        face_candidates,
        ad_faces.c.sha256,
        ad_faces.c.box,
        face_persons.c.ext_id.label("person_ext_id"),
        face_persons.c.name_enc,
        face_gallery.c.sha256.label("gallery_sha256"),
    ).select_from(
        face_candidates.join(ad_faces, ad_faces.c.id == face_candidates.c.ad_face_id)
        .join(face_persons, face_persons.c.id == face_candidates.c.person_id)
        .join(face_gallery, face_gallery.c.id == face_candidates.c.gallery_face_id)
    )


def ads_for_images(connection: Connection, hashes: set[str]) -> dict[str, tuple[int, ...]]:
    """Row ids of the ads that use each image, ascending."""
    if not hashes:
        return {}
    found: dict[str, list[int]] = {}
    rows = connection.execute(
        select(ad_images.c.sha256, ad_images.c.ad_id)
        .where(and_(ad_images.c.sha256.in_(sorted(hashes))))
        .order_by(ad_images.c.ad_id)
    )
    for row in rows:
        found.setdefault(str(row.sha256), []).append(int(row.ad_id))
    return {sha: tuple(sorted(set(ids))) for sha, ids in found.items()}


def _queued(row: Any, ads: tuple[int, ...]) -> QueuedCandidate:
    return QueuedCandidate(
        id=int(row.id),
        status=str(row.status),
        distance=float(row.distance),
        confidence=str(row.confidence),
        threshold=float(row.threshold),
        model=str(row.model),
        sha256=str(row.sha256),
        box=list(row.box),
        person_ext_id=str(row.person_ext_id),
        name_enc=str(row.name_enc),
        gallery_sha256=str(row.gallery_sha256),
        ad_ids=ads,
        created_at=row.created_at,
    )


def _person(row: Any) -> PersonRow:
    return PersonRow(
        ext_id=str(row.ext_id),
        name_enc=str(row.name_enc),
        dob_enc=row.dob_enc,
        missing_since=row.missing_since,
        agency=row.agency,
        contact=row.contact,
    )


def _values(row: CandidateRow) -> dict[str, Any]:
    return {
        "ad_face_id": row.ad_face_id,
        "person_id": row.person_id,
        "gallery_face_id": row.gallery_face_id,
        "rank": row.rank,
        "distance": row.distance,
        "confidence": row.confidence,
        "threshold": row.threshold,
        "model": row.model,
    }
