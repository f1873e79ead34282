"""The review queue: a person decides on each candidate, with a reason, and it is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from threadline.errors import InputError
from threadline.faces._gallery import person_name
from threadline.store import AuditEvent, Database, FieldCipher, append_audit
from threadline.store.faces import (
    QueuedCandidate,
    confirmed_match_networks,
    get_candidate,
    list_candidates,
    record_decision,
)

# What a reviewer types, and the status it gives the candidate.
DECISIONS = {"confirm": "confirmed", "reject": "rejected", "unsure": "unsure"}
STATUSES = ("pending", *DECISIONS.values())


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A candidate for review, its person's name unsealed for the reviewer."""

    candidate: QueuedCandidate
    name: str


@dataclass(frozen=True, slots=True)
class Review:
    """A decision taken: on which candidate, by whom, why and when."""

    review_id: int
    candidate_id: int
    status: str
    reviewer: str
    reason: str
    at: datetime


def review_queue(
    database: Database, cipher: FieldCipher, status: str | None = "pending", limit: int = 100
) -> list[QueueItem]:
    """Candidates in one status (None: all), nearest first."""
    if status is not None and status not in STATUSES:
        raise InputError(f"status must be one of {', '.join(STATUSES)}")
    with database.transaction() as connection:
        rows = list_candidates(connection, status, limit)
    return [QueueItem(row, person_name(cipher, row.name_enc)) for row in rows]


def review_candidate(
    database: Database, candidate_id: int, decision: str, reason: str, reviewer: str
) -> Review:
    """Record a decision with its written reason; the audit row commits with it or not at all."""
    status = DECISIONS.get(decision)
    if status is None:
        raise InputError(f"decision must be one of {', '.join(DECISIONS)}")
    if not reason.strip() or not reviewer.strip():
        raise InputError("a decision needs a written reason and a reviewer")
    at = datetime.now(UTC)
    with database.transaction() as connection:
        candidate = get_candidate(connection, candidate_id)
        review_id = record_decision(connection, candidate_id, status, reason.strip(), reviewer, at)
        append_audit(connection, _event(candidate, status, reason.strip(), reviewer), at)
    return Review(review_id, candidate_id, status, reviewer, reason.strip(), at)


def audit_access(
    database: Database, actor: str, action: str, object_id: str, detail: dict[str, object]
) -> None:
    """Record that someone saw gallery data (a match run, the queue): every read is audited."""
    event = AuditEvent(actor, action, "faces", object_id[:200], detail=detail)
    with database.transaction() as connection:
        append_audit(connection, event)


def confirmed_networks(database: Database) -> list[str]:
    """Networks with a reviewer-confirmed face match: the console lists these leads first."""
    with database.transaction() as connection:
        return confirmed_match_networks(connection)


def _event(candidate: QueuedCandidate, status: str, reason: str, reviewer: str) -> AuditEvent:
    return AuditEvent(
        actor=reviewer,
        action="faces.review",
        object_type="face_candidate",
        object_id=str(candidate.id),
        detail={
            "decision": status,
            "reason": reason,
            "person": candidate.person_ext_id,
            "image": candidate.sha256,
            "distance": candidate.distance,
            "threshold": candidate.threshold,
            "model": candidate.model,
        },
    )
