"""Tables of face matching: the missing-persons gallery, ad faces, candidates, reviews.

Encodings are float32 little-endian bytes, so SQLite and PostgreSQL store the same thing.
Every stored encoding names the model that made it; candidates also keep the threshold.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from threadline.store.tables import UTCDateTime, metadata

face_persons = Table(
    "face_persons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ext_id", String(200), nullable=False, unique=True),  # case number or folder name
    # Names and dates of birth of possibly trafficked people: encrypted field tokens.
    Column("name_enc", Text, nullable=False),
    Column("dob_enc", Text),
    Column("missing_since", String(10)),  # ISO date as given
    Column("agency", String(200)),
    Column("contact", String(200)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

face_gallery = Table(
    "face_gallery",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("face_persons.id"), nullable=False),
    Column("sha256", String(64), nullable=False),  # the photo, in the blob store
    Column("photo", Text, nullable=False),  # the file name it was enrolled from
    Column("box", JSON, nullable=False),
    Column("model", String(100), nullable=False),
    Column("embedding", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("person_id", "sha256", "model"),
    Index("ix_face_gallery_model", "model"),
)

face_images = Table(
    "face_images",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("model", String(100), primary_key=True),
    Column("faces", Integer, nullable=False),
    Column("error", Text),
    Column("processed_at", UTCDateTime, nullable=False),
)

ad_faces = Table(
    "ad_faces",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("number", Integer, nullable=False),
    Column("box", JSON, nullable=False),
    Column("model", String(100), nullable=False),
    Column("embedding", LargeBinary, nullable=False),
    UniqueConstraint("sha256", "model", "number"),
)

face_candidates = Table(
    "face_candidates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ad_face_id", Integer, ForeignKey("ad_faces.id"), nullable=False),
    Column("person_id", Integer, ForeignKey("face_persons.id"), nullable=False),
    Column("gallery_face_id", Integer, ForeignKey("face_gallery.id"), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("distance", Float, nullable=False),
    Column("confidence", String(20), nullable=False),
    Column("threshold", Float, nullable=False),
    Column("model", String(100), nullable=False),
    Column("status", String(20), nullable=False),  # pending, confirmed, rejected, unsure
    Column("created_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime),
    UniqueConstraint("ad_face_id", "person_id"),
    Index("ix_face_candidates_status", "status"),
)

face_reviews = Table(
    "face_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", Integer, ForeignKey("face_candidates.id"), nullable=False, index=True),
    Column("decision", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("reviewer", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
