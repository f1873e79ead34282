"""`analyze` over the database: findings and networks stored, incremental on a second run."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from tests.builders import an_ad
from threadline.faces import enroll, load_model, read_gallery, review_queue
from threadline.link import hash_image
from threadline.model import ImageRef
from threadline.pipeline import AnalyzeOptions, analyze
from threadline.store import (
    BlobStore,
    Database,
    FieldCipher,
    corpus_counts,
    ensure_source,
    register_images,
    save_ads,
)
from threadline.store.tables import ad_risk, identifiers, images, memberships, networks


def _options(tmp_path: Path) -> AnalyzeOptions:
    return AnalyzeOptions(
        state_path=tmp_path / "link-state.pkl",
        blobs=BlobStore(tmp_path / "blobs"),
        secret_key=b"test-key",
    )


def _store(database: Database, *ads_: object) -> None:
    with database.transaction() as connection:
        save_ads(connection, ensure_source(connection, "corpus"), list(ads_))  # type: ignore[arg-type]


def test_analyze_links_ads_that_share_a_phone(database: Database, tmp_path: Path) -> None:
    _store(
        database,
        an_ad("a", title="Ana here", body="Call 702-555-0142 tonight"),
        an_ad("b", title="Lexi visiting", body="text me at (702) 555 0142"),
        an_ad("c", title="Quiet evenings", body="ask for Mia 312-555-0199", city="Chicago"),
    )
    report = analyze(database, _options(tmp_path))
    with database.transaction() as connection:
        phones = (
            connection.execute(
                select(identifiers.c.value)
                .where(identifiers.c.kind == "phone")
                .order_by(identifiers.c.value)
            )
            .scalars()
            .all()
        )
        network_rows = connection.execute(select(networks)).all()
        members = dict(connection.execute(select(memberships.c.ad_id, memberships.c.via)).all())
        risk_rows = connection.execute(select(ad_risk)).all()
    assert (report.extracted, report.networks, report.rebuilt) == (3, 1, True)
    assert phones == ["+13125550199", "+17025550142"]
    assert [row.size for row in network_rows] == [2]
    assert members == {1: ["phone:+17025550142"], 2: ["phone:+17025550142"]}
    assert len(risk_rows) == 3


def test_second_run_is_incremental_and_joins_the_existing_network(
    database: Database, tmp_path: Path
) -> None:
    _store(database, an_ad("a", body="Call 702-555-0142"), an_ad("b", body="702.555.0142 anytime"))
    analyze(database, _options(tmp_path))
    _store(database, an_ad("c", body="new number? no: 702 555 0142"))
    report = analyze(database, _options(tmp_path))
    with database.transaction() as connection:
        sizes = connection.execute(select(networks.c.size)).scalars().all()
    assert (report.extracted, report.rebuilt, report.linked) == (1, False, 3)
    assert sizes == [3]


def test_changed_ad_rebuilds_the_link_state(database: Database, tmp_path: Path) -> None:
    _store(database, an_ad("a", body="Call 702-555-0142"), an_ad("b", body="702.555.0142 anytime"))
    analyze(database, _options(tmp_path))
    _store(database, an_ad("b", body="moved on, now 312-555-0199"))
    report = analyze(database, _options(tmp_path))
    with database.transaction() as connection:
        counts = corpus_counts(connection)
    assert (report.extracted, report.rebuilt) == (1, True)
    assert counts.networks == 0


def test_images_are_hashed_once_and_unreadable_ones_marked(
    database: Database, tmp_path: Path
) -> None:
    options = _options(tmp_path)
    picture = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(picture, format="PNG")
    good, bad = options.blobs.put(picture.getvalue()), options.blobs.put(b"not an image")
    with database.transaction() as connection:
        register_images(connection, {good: 10, bad: 12})
    _store(database, an_ad("a", images=(ImageRef(path="x.png", sha256=good),)))
    first = analyze(database, options)
    second = analyze(database, options)
    with database.transaction() as connection:
        phashes = dict(connection.execute(select(images.c.sha256, images.c.phash)).all())
    assert (first.images_hashed, second.images_hashed) == (2, 0)
    assert phashes[bad] == ""
    assert phashes[good] == hash_image(picture.getvalue())


FACES = Path(__file__).resolve().parents[2] / ".." / "shared" / "faces"


def test_analyze_with_faces_queues_the_gallery_person_for_review(
    sqlite_db: Database, tmp_path: Path
) -> None:
    options = replace(_options(tmp_path), face_model="dlib-resnet-v1")
    gallery = [spec for spec in read_gallery(FACES / "gallery") if spec.case_number == "obama"]
    cipher = FieldCipher.from_spec(None, b"test-key")
    enroll(sqlite_db, load_model("dlib-resnet-v1"), cipher, options.blobs, gallery)
    photo = (FACES / "probes" / "obama3.jpg").read_bytes()
    digest = options.blobs.put(photo)
    with sqlite_db.transaction() as connection:
        register_images(connection, {digest: len(photo)})
    _store(sqlite_db, an_ad("a", images=(ImageRef(path="p.jpg", sha256=digest),)))
    report = analyze(sqlite_db, options)
    assert report.faces is not None
    assert (report.faces.images, report.faces.faces, report.faces.candidates) == (1, 1, 1)
    queue = review_queue(sqlite_db, cipher)
    assert [(q.candidate.person_ext_id, q.name, q.candidate.ad_ids) for q in queue] == [
        ("obama", "obama", (1,))
    ]
