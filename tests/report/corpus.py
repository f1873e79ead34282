"""A small analyzed corpus written with the store functions: three ads, one network, an image.

a1 and a2 share the phone +17025550142 and form network net-a; a1 has a juvenile indicator,
an email, a kik handle and an image; a3 stands alone with another phone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image
from sqlalchemy import select

from tests.builders import an_ad
from threadline.model import Extraction, Finding, ImageRef, Reason, Risk
from threadline.store import (
    AnalyzedAd,
    BlobStore,
    Database,
    NetworkRecord,
    content_hash,
    ensure_source,
    register_images,
    replace_networks,
    save_ads,
    save_extractions,
)
from threadline.store.tables import ads

KEY = b"test-secret-key"
PHONE_A = "+17025550142"
PHONE_B = "+13125550199"


@dataclass(frozen=True)
class Seeded:
    """Row ids of the seeded ads and the image's SHA-256."""

    a1: int
    a2: int
    a3: int
    image: str


def png(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), color).save(buffer, "PNG")
    return buffer.getvalue()


def seed(database: Database, blobs: BlobStore) -> Seeded:
    """Store the three ads, their analysis and the network; return their row ids."""
    image = png()
    digest = blobs.put(image)
    # a3's default image has no SHA-256, so nothing joins it to the others.
    shown = (ImageRef(url="https://classifieds.example/img/1.png", sha256=digest),)
    first = "Fresh 17yo. Text 702-555-0142, ana@example.com, kik: ana_x"
    batch = [
        an_ad("a1", title="Fresh girl", body=first, images=shown),
        an_ad("a2", title="Sweet", body="No law enforcement. Call 702-555-0142", images=()),
        an_ad(
            "a3", title="Relax", body="Call 312-555-0199", city="Chicago", region="IL", images=()
        ),
    ]
    with database.transaction() as connection:
        register_images(connection, {digest: len(image)})
        save_ads(connection, ensure_source(connection, "corpus"), batch)
        rows = {
            str(r.ext_id): int(r.id) for r in connection.execute(select(ads.c.ext_id, ads.c.id))
        }
        extractions = [_a1(), _a2(), _a3()]
        analyzed = [
            AnalyzedAd(rows[ad.id], content_hash(ad), extraction)
            for ad, extraction in zip(batch, extractions, strict=True)
        ]
        save_extractions(connection, analyzed, KEY)
        replace_networks(connection, [_network(rows["a1"], rows["a2"])])
    return Seeded(rows["a1"], rows["a2"], rows["a3"], digest)


def _finding(kind: str, value: str, start: int, text: str, source: str = "test@1") -> Finding:
    return Finding(kind, value, start, start + len(text), text, source)


def _a1() -> Extraction:
    # Offsets into "Fresh girl\nFresh 17yo. Text 702-555-0142, ana@example.com, kik: ana_x".
    findings = (
        _finding("indicator:youth", "youth.fresh", 0, "Fresh"),
        _finding("indicator:age", "age.under_18", 17, "17yo"),
        _finding("phone", PHONE_A, 28, "702-555-0142"),
        _finding("email", "ana@example.com", 42, "ana@example.com"),
        _finding("handle", "kik:ana_x", 59, "kik: ana_x"),
    )
    reasons = (Reason("youth.fresh", 2.0, "Fresh"), Reason("age.under_18", 10.0, "17yo"))
    risk = Risk(12.0, "high", reasons, True, (Reason("age.under_18", 10.0, "17yo"),))
    return Extraction("a1", findings, risk)


def _a2() -> Extraction:
    findings = (
        _finding("indicator:trust", "trust.no_law", 6, "No law enforcement"),
        _finding("phone", PHONE_A, 31, "702-555-0142"),
    )
    return Extraction("a2", findings, Risk(1.5, "low", (Reason("trust.no_law", 1.5, "No law"),)))


def _a3() -> Extraction:
    return Extraction("a3", (_finding("phone", PHONE_B, 11, "312-555-0199"),), Risk(0.0, "low"))


def _network(a1: int, a2: int) -> NetworkRecord:
    return NetworkRecord(
        id="net-a",
        size=2,
        first_seen=None,
        last_seen=None,
        risk_max=12.0,
        juvenile=True,
        summary={"network": "net-a", "size": 2, "ads": [str(a1), str(a2)]},
        members=((a1, (f"phone:{PHONE_A}",)), (a2, (f"phone:{PHONE_A}",))),
    )
