"""Enrolling missing persons: read a folder (and a CSV), encode one face per photo, store."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from threadline.errors import InputError
from threadline.faces._match import Gallery, from_bytes, stack, to_bytes
from threadline.faces._model import FaceModel
from threadline.faces._scan import Scan, try_scan
from threadline.store import AuditEvent, BlobStore, Database, FieldCipher, append_audit
from threadline.store.faces import (
    FaceRow,
    PersonRow,
    add_gallery_face,
    gallery_encodings,
    upsert_person,
)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"})
META_COLUMNS = ("case_number", "name", "date_of_birth", "missing_since", "agency", "contact")
NAME_CONTEXT = "face_persons.name"
DOB_CONTEXT = "face_persons.dob"


@dataclass(frozen=True, slots=True)
class PersonSpec:
    """A missing person to enrol and the photos to take faces from."""

    case_number: str
    name: str
    photos: tuple[Path, ...]
    date_of_birth: str | None = None
    missing_since: str | None = None
    agency: str | None = None
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class PhotoProblem:
    """A photo that gave no usable face, and why; reported, never guessed."""

    case_number: str
    photo: str
    reason: str


@dataclass(frozen=True, slots=True)
class EnrollReport:
    """What an enrolment run stored and what it set aside."""

    persons: int
    faces_added: int
    faces_known: int
    problems: tuple[PhotoProblem, ...] = field(default=())


def read_gallery(folder: Path, meta: Path | None = None) -> list[PersonSpec]:
    """Persons from a CSV (photos in a subfolder named by case number) or from subfolders."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    if meta is None:
        return [
            PersonSpec(sub.name, sub.name, _photos(sub))
            for sub in sorted(folder.iterdir())
            if sub.is_dir()
        ]
    return [_spec(folder, row, meta) for row in _meta_rows(meta)]


def enroll(
    database: Database,
    model: FaceModel,
    cipher: FieldCipher,
    blobs: BlobStore,
    persons: Sequence[PersonSpec],
    actor: str = "cli",
) -> EnrollReport:
    """Encode and store every single-face photo of each person; report the others."""
    added = known = 0
    problems: list[PhotoProblem] = []
    for person in persons:
        faces, trouble = _person_faces(model, person)
        problems.extend(trouble)
        person_added, person_known = _store_person(database, cipher, blobs, person, faces, model)
        added, known = added + person_added, known + person_known
        with database.transaction() as connection:
            append_audit(connection, _enrol_event(actor, person, person_added, len(trouble)))
    return EnrollReport(len(persons), added, known, tuple(problems))


def load_gallery(database: Database, model: FaceModel) -> Gallery:
    """Every enrolled face of the model, indexed."""
    with database.transaction() as connection:
        rows = gallery_encodings(connection, model.version)
    vectors = stack([from_bytes(r.embedding) for r in rows])
    return Gallery([r.id for r in rows], [int(r.owner) for r in rows], vectors)


def _photos(folder: Path) -> tuple[Path, ...]:
    return tuple(
        p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
    )


def _meta_rows(meta: Path) -> list[dict[str, str]]:
    if not meta.is_file():
        raise InputError(f"{meta}: no such file")
    with meta.open(newline="", encoding="utf-8-sig") as stream:
        reader = csv.DictReader(stream)
        missing = [c for c in ("case_number", "name") if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{meta}: missing column(s) {', '.join(missing)}")
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def _spec(folder: Path, row: dict[str, str], meta: Path) -> PersonSpec:
    case = row.get("case_number", "")
    if not case or not row.get("name"):
        raise InputError(f"{meta}: every row needs a case_number and a name")
    listed = [p for p in row.get("photos", "").split(";") if p.strip()]
    photos = tuple(folder / p.strip() for p in listed) if listed else _folder_photos(folder, case)
    return PersonSpec(
        case_number=case,
        name=row["name"],
        photos=photos,
        date_of_birth=row.get("date_of_birth") or None,
        missing_since=row.get("missing_since") or None,
        agency=row.get("agency") or None,
        contact=row.get("contact") or None,
    )


def _folder_photos(folder: Path, case: str) -> tuple[Path, ...]:
    sub = folder / case
    return _photos(sub) if sub.is_dir() else ()


def _person_faces(
    model: FaceModel, person: PersonSpec
) -> tuple[list[tuple[Path, bytes, Scan]], list[PhotoProblem]]:
    faces: list[tuple[Path, bytes, Scan]] = []
    problems: list[PhotoProblem] = []
    if not person.photos:
        problems.append(PhotoProblem(person.case_number, "", "no photos found"))
    for photo in person.photos:
        data, scan, reason = _try_scan(model, photo)
        if scan is not None and len(scan.faces) == 1:
            faces.append((photo, data, scan))
        else:
            problems.append(PhotoProblem(person.case_number, photo.name, reason or _count(scan)))
    return faces, problems


def _try_scan(model: FaceModel, photo: Path) -> tuple[bytes, Scan | None, str]:
    try:
        data = photo.read_bytes()
    except OSError as exc:
        return b"", None, f"cannot read: {exc.strerror or exc}"
    scan, reason = try_scan(model, data)
    return data, scan, reason


def _count(scan: Scan | None) -> str:
    found = 0 if scan is None else len(scan.faces)
    if found == 0:
        return "no face found"
    return f"{found} faces found: enrol a photo showing only this person"


def _store_person(
    database: Database,
    cipher: FieldCipher,
    blobs: BlobStore,
    person: PersonSpec,
    faces: list[tuple[Path, bytes, Scan]],
    model: FaceModel,
) -> tuple[int, int]:
    now = datetime.now(UTC)
    added = 0
    with database.transaction() as connection:
        person_id = upsert_person(connection, _sealed(cipher, person), now)
        for photo, data, scan in faces:
            face = scan.faces[0]
            row = FaceRow(0, face.box.as_list(), to_bytes(face.encoding))
            sha = blobs.put(data)
            added += add_gallery_face(
                connection, person_id, sha, photo.name, row, model.version, now
            )
    return added, len(faces) - added


def _sealed(cipher: FieldCipher, person: PersonSpec) -> PersonRow:
    dob = person.date_of_birth
    return PersonRow(
        ext_id=person.case_number,
        name_enc=cipher.encrypt(person.name, NAME_CONTEXT),
        dob_enc=cipher.encrypt(dob, DOB_CONTEXT) if dob else None,
        missing_since=person.missing_since,
        agency=person.agency,
        contact=person.contact,
    )


def _enrol_event(actor: str, person: PersonSpec, added: int, problems: int) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        action="faces.enroll",
        object_type="face_person",
        object_id=person.case_number,
        detail={"faces_added": added, "photos_set_aside": problems},
    )


def person_name(cipher: FieldCipher, name_enc: str) -> str:
    """A person's name, unsealed."""
    return cipher.decrypt(name_enc, NAME_CONTEXT)
