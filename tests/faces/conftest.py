"""Fixtures for face tests: the real model and the shared test photos, encoded once per run.

The photos live in `shared/faces` beside the repository (never copied into it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.builders import an_ad
from threadline.faces import (
    Box,
    Encoding,
    FaceModel,
    Gallery,
    Scan,
    load_model,
    scan_image,
    to_bytes,
)
from threadline.faces._images import RGBArray
from threadline.faces._match import from_bytes, stack
from threadline.model import ImageRef
from threadline.store import BlobStore, Database, ensure_source, register_images, save_ads

FACES = Path(__file__).resolve().parents[2] / ".." / "shared" / "faces"
GALLERY = FACES / "gallery"
PROBES = FACES / "probes"
PERSONS = ("alex_lacamoire", "biden", "kit_harington", "obama", "rose_leslie")


@pytest.fixture(scope="session")
def model() -> FaceModel:
    """The shipped dlib model, weights loaded once."""
    return load_model()


class MemoModel:
    """The real model with its answers remembered per image, so each engine's test reuses
    the session's detections and encodings instead of recomputing them."""

    def __init__(self, model: FaceModel) -> None:
        self._model = model
        self.name, self.version = model.name, model.version
        self.dimensions, self.threshold = model.dimensions, model.threshold
        self._boxes: dict[bytes, list[Box]] = {}
        self._encodings: dict[tuple[bytes, tuple[Box, ...]], list[Encoding]] = {}

    def detect(self, pixels: RGBArray) -> list[Box]:
        """The model's boxes, computed once per distinct image."""
        key = _key(pixels)
        if key not in self._boxes:
            self._boxes[key] = self._model.detect(pixels)
        return self._boxes[key]

    def encode(self, pixels: RGBArray, boxes: list[Box]) -> list[Encoding]:
        """The model's encodings, computed once per distinct image and boxes."""
        key = (_key(pixels), tuple(boxes))
        if key not in self._encodings:
            self._encodings[key] = self._model.encode(pixels, boxes)
        return self._encodings[key]


def _key(pixels: RGBArray) -> bytes:
    return hashlib.sha256(pixels.tobytes()).digest() + str(pixels.shape).encode()


@pytest.fixture(scope="session")
def memo_model(model: FaceModel) -> FaceModel:
    """The real model, remembering its answers for the whole run."""
    return MemoModel(model)


@pytest.fixture(scope="session")
def gallery_scans(memo_model: FaceModel) -> dict[tuple[str, str], Scan]:
    """Every gallery photo scanned once: (person, file name) -> scan."""
    return {
        (photo.parent.name, photo.name): scan_image(memo_model, photo.read_bytes())
        for photo in sorted(GALLERY.glob("*/*"))
    }


@pytest.fixture(scope="session")
def gallery(gallery_scans: dict[tuple[str, str], Scan]) -> Gallery:
    """An in-memory gallery of the five persons; person ids are positions in PERSONS."""
    keys = sorted(gallery_scans)
    vectors = stack([from_bytes(to_bytes(gallery_scans[k].faces[0].encoding)) for k in keys])
    return Gallery(list(range(len(keys))), [PERSONS.index(person) for person, _ in keys], vectors)


@pytest.fixture(scope="session")
def probe_scans(model: FaceModel) -> dict[str, Scan]:
    """Every probe photo scanned once, by file name."""
    return {
        photo.name: scan_image(model, photo.read_bytes())
        for photo in sorted(PROBES.iterdir())
        if photo.suffix != ".md"
    }


AddAd = Callable[[BlobStore, str, list[bytes]], list[str]]


@pytest.fixture
def add_ad(database: Database) -> AddAd:
    """Store an ad whose images are these bytes, as ingest would; their SHA-256."""

    def add(blobs: BlobStore, ad_id: str, images: list[bytes]) -> list[str]:
        hashes = [blobs.put(data) for data in images]
        refs = tuple(ImageRef(path=f"{ad_id}-{i}.jpg", sha256=h) for i, h in enumerate(hashes))
        with database.transaction() as connection:
            register_images(connection, {h: len(d) for h, d in zip(hashes, images, strict=True)})
            save_ads(connection, ensure_source(connection, "test"), [an_ad(ad_id, images=refs)])
        return hashes

    return add
