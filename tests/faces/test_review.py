"""Gallery, ad faces, candidates and the review queue on each database engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert, select

from tests.faces.conftest import GALLERY, PROBES, AddAd
from threadline.errors import InputError, NotFoundError
from threadline.faces import (
    FaceModel,
    analyze_ad_faces,
    confirmed_networks,
    enroll,
    face_links,
    queue_candidates,
    read_gallery,
    review_candidate,
    review_queue,
)
from threadline.store import BlobStore, Database, FieldCipher, verify_chain
from threadline.store.faces import persons_by_id, reviews_of
from threadline.store.tables import audit_log, memberships
from threadline.store.tables_faces import face_persons

CIPHER = FieldCipher.from_spec(None, b"test-secret-key")


def _probe(name: str) -> bytes:
    return (PROBES / name).read_bytes()


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    """A private blob store."""
    return BlobStore(tmp_path / "blobs")


@pytest.fixture
def analyzed(
    database: Database, memo_model: FaceModel, blobs: BlobStore, add_ad: AddAd
) -> Database:
    """The shared gallery enrolled and three ads analyzed (one image used by two ads)."""
    enroll(database, memo_model, CIPHER, blobs, read_gallery(GALLERY))
    add_ad(blobs, "ad-1", [_probe("obama3.jpg"), _probe("two_people.jpg")])
    add_ad(blobs, "ad-2", [_probe("obama3.jpg")])
    add_ad(blobs, "ad-3", [_probe("lin-manuel-miranda.png")])
    return database


def _queue(database: Database, status: str | None = "pending") -> list[tuple[str, tuple[int, ...]]]:
    return [(i.name, i.candidate.ad_ids) for i in review_queue(database, CIPHER, status)]


def test_enroll_with_meta_encrypts_names_and_reports_unusable_photos(
    database: Database, memo_model: FaceModel, blobs: BlobStore, tmp_path: Path
) -> None:
    meta = tmp_path / "persons.csv"
    meta.write_text(
        "case_number,name,date_of_birth,missing_since,agency,contact,photos\n"
        f"MP-1,Ana Example,2009-04-01,2026-01-05,Metro PD,555-0100,{GALLERY}/biden/biden.jpg;"
        f"{PROBES}/two_people.jpg;{GALLERY}/../README.md\n"
        "MP-2,Bea Example,,,,,\n",
        encoding="utf-8",
    )
    report = enroll(database, memo_model, CIPHER, blobs, read_gallery(tmp_path, meta))
    assert (report.persons, report.faces_added) == (2, 1)
    assert [(p.case_number, p.photo, p.reason) for p in report.problems] == [
        ("MP-1", "two_people.jpg", "2 faces found: enrol a photo showing only this person"),
        ("MP-1", "README.md", "not an image in a supported format"),
        ("MP-2", "", "no photos found"),
    ]
    with database.transaction() as connection:
        rows = connection.execute(select(face_persons).order_by(face_persons.c.id)).all()
        persons = persons_by_id(connection, [r.id for r in rows])
    assert "Ana" not in rows[0].name_enc
    assert "2009" not in (rows[0].dob_enc or "")
    assert CIPHER.decrypt(persons[rows[0].id].name_enc, "face_persons.name") == "Ana Example"
    assert (rows[0].missing_since, rows[0].agency) == ("2026-01-05", "Metro PD")


def test_enroll_twice_adds_nothing_new(
    database: Database, memo_model: FaceModel, blobs: BlobStore
) -> None:
    first = enroll(database, memo_model, CIPHER, blobs, read_gallery(GALLERY))
    second = enroll(database, memo_model, CIPHER, blobs, read_gallery(GALLERY))
    assert (first.persons, first.faces_added, first.faces_known) == (5, 9, 0)
    assert (second.faces_added, second.faces_known, second.problems) == (0, 9, ())


def test_analyze_reads_each_image_once_and_queues_gallery_persons(
    analyzed: Database, memo_model: FaceModel, blobs: BlobStore
) -> None:
    report = analyze_ad_faces(analyzed, blobs, memo_model)
    assert (report.images, report.faces, report.candidates, report.problems) == (3, 4, 3, ())
    assert (report.threshold, report.model) == (0.6, "dlib-resnet-v1/frm-0.3.0")
    assert _queue(analyzed) == [("biden", (1,)), ("obama", (1, 2)), ("obama", (1,))]
    item = review_queue(analyzed, CIPHER)[0]
    assert (item.candidate.threshold, item.candidate.model) == (0.6, "dlib-resnet-v1/frm-0.3.0")
    assert item.candidate.confidence == "strong"


def test_enrolling_later_queues_faces_already_analyzed(
    database: Database, memo_model: FaceModel, blobs: BlobStore, add_ad: AddAd
) -> None:
    add_ad(blobs, "ad-1", [_probe("two_people.jpg")])
    assert analyze_ad_faces(database, blobs, memo_model).candidates == 0
    enroll(database, memo_model, CIPHER, blobs, read_gallery(GALLERY))
    assert queue_candidates(database, memo_model) == 2
    assert queue_candidates(database, memo_model) == 0


def test_decision_is_stored_with_reason_and_audited(
    analyzed: Database, memo_model: FaceModel, blobs: BlobStore
) -> None:
    analyze_ad_faces(analyzed, blobs, memo_model)
    first = review_queue(analyzed, CIPHER)[0].candidate.id
    review = review_candidate(analyzed, first, "confirm", "same scar above the left eye", "ana")
    assert (review.status, review.reviewer) == ("confirmed", "ana")
    assert _queue(analyzed, "confirmed") == [("biden", (1,))]
    with analyzed.transaction() as connection:
        decisions = [(r["decision"], r["reason"]) for r in reviews_of(connection, first)]
        last = connection.execute(select(audit_log).order_by(audit_log.c.seq.desc())).first()
        chain = verify_chain(connection)
    assert decisions == [("confirmed", "same scar above the left eye")]
    assert last is not None
    assert (last.action, last.actor, last.object_id) == ("faces.review", "ana", str(first))
    assert chain.ok


def test_decision_needs_a_known_verdict_and_a_written_reason(
    analyzed: Database, memo_model: FaceModel, blobs: BlobStore
) -> None:
    analyze_ad_faces(analyzed, blobs, memo_model)
    with pytest.raises(InputError, match="decision must be one of confirm, reject, unsure"):
        review_candidate(analyzed, 1, "maybe", "a reason", "ana")
    with pytest.raises(InputError, match="a decision needs a written reason and a reviewer"):
        review_candidate(analyzed, 1, "reject", "   ", "ana")
    assert len(_queue(analyzed)) == 3


def test_decision_on_unknown_candidate_is_not_found(database: Database) -> None:
    with pytest.raises(NotFoundError, match="no face candidate 99"):
        review_candidate(database, 99, "reject", "not the same person", "ana")


def test_confirmed_match_puts_its_network_among_the_leads(
    analyzed: Database, memo_model: FaceModel, blobs: BlobStore
) -> None:
    analyze_ad_faces(analyzed, blobs, memo_model)
    with analyzed.transaction() as connection:
        connection.execute(
            insert(memberships),
            [
                {"ad_id": 1, "network_id": "net-a", "via": []},
                {"ad_id": 3, "network_id": "net-b", "via": []},
            ],
        )
    assert confirmed_networks(analyzed) == []
    obama = [i.candidate.id for i in review_queue(analyzed, CIPHER) if i.name == "obama"]
    review_candidate(analyzed, obama[0], "confirm", "matching tattoo on the wrist", "ana")
    review_candidate(analyzed, obama[1], "reject", "different ear shape", "ana")
    assert confirmed_networks(analyzed) == ["net-a"]


def test_same_face_in_different_photos_links_ads(
    database: Database, memo_model: FaceModel, blobs: BlobStore, add_ad: AddAd
) -> None:
    add_ad(blobs, "ad-1", [_probe("obama3.jpg")])
    add_ad(blobs, "ad-2", [_probe("two_people.jpg")])
    add_ad(blobs, "ad-3", [_probe("obama-240p.jpg")])
    add_ad(blobs, "ad-4", [_probe("lin-manuel-miranda.png")])
    add_ad(blobs, "ad-5", [(GALLERY / "biden" / "biden2.jpg").read_bytes()])
    analyze_ad_faces(database, blobs, memo_model)
    links = face_links(database, memo_model)
    assert [(link.via.kind.value, link.ad_ids, len(link.images)) for link in links] == [
        ("face", (1, 2, 3), 3),
        ("face", (2, 5), 2),
    ]
    assert all(link.max_distance <= 0.45 for link in links)
    assert face_links(database, memo_model, max_distance=0.1)[0].ad_ids == (1, 2)
