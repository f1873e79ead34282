"""Bad image input: each file gets one clear outcome, and a batch never stops for one."""

from __future__ import annotations

import functools
import io
import random
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.faces.conftest import GALLERY, AddAd
from threadline.faces import (
    MAX_SIDE,
    FaceModel,
    ImageError,
    analyze_ad_faces,
    decode_image,
    try_scan,
)
from threadline.store import BlobStore, Database

OBAMA = GALLERY / "obama" / "obama.jpg"


def _encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@functools.cache
def _obama() -> Image.Image:
    """The gallery photo at half size: small files keep the table fast."""
    image = Image.open(OBAMA).convert("RGB")
    return image.resize((image.width // 2, image.height // 2))


def _jpeg() -> bytes:
    """The gallery photo re-encoded without metadata, so damage falls in the pixel data."""
    return _encoded(_obama(), "JPEG", quality=90)


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (a decompression bomb's first bytes)."""
    data = bytearray(_encoded(Image.new("L", (8, 8)), "PNG"))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


def _sixteen_bit() -> bytes:
    grey = np.asarray(_obama().convert("L"), dtype=np.uint16) * 257
    return _encoded(Image.fromarray(grey), "PNG")


def _animated() -> bytes:
    frames = [_obama(), Image.new("RGB", _obama().size, "blue")]
    return _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def _exif_rotated() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90 degrees clockwise
    return _encoded(_obama().rotate(90, expand=True), "JPEG", exif=exif)


ERRORS: list[tuple[str, Callable[[], bytes], str]] = [
    ("zero-byte", lambda: b"", "empty file (0 bytes)"),
    ("text", lambda: b"name,age\nana,19\n", "not an image in a supported format"),
    (
        "html",
        lambda: b"<html><body>not a photo</body></html>",
        "not an image in a supported format",
    ),
    ("corrupt", lambda: _jpeg()[:700] + random.Random(1).randbytes(60000), "image data damaged"),
    ("truncated", lambda: _jpeg()[:20000], "image data truncated"),
    ("bomb", lambda: _png_claiming(40000, 40000), "image too large (decompression bomb guard)"),
    (
        "too-large",
        lambda: _png_claiming(9000, 9000),
        "image too large: 9000x9000 is over 80 megapixels",
    ),
]


@pytest.mark.parametrize(("name", "make", "reason"), ERRORS, ids=[e[0] for e in ERRORS])
def test_unusable_file_gives_its_reason(
    model: FaceModel, name: str, make: Callable[[], bytes], reason: str
) -> None:
    scan, message = try_scan(model, make())
    assert scan is None
    assert message.startswith(reason)


USABLE: list[tuple[str, Callable[[], bytes], int, int]] = [
    ("cmyk-jpeg", lambda: _encoded(_obama().convert("CMYK"), "JPEG"), 1, 1),
    ("16-bit-png", _sixteen_bit, 1, 1),
    ("animated-gif", _animated, 1, 2),
    ("rgba-png", lambda: _encoded(_obama().convert("RGBA"), "PNG"), 1, 1),
    ("exif-rotated", _exif_rotated, 1, 1),
]


@pytest.mark.parametrize(("name", "make", "faces", "frames"), USABLE, ids=[u[0] for u in USABLE])
def test_unusual_but_valid_image_is_read(
    model: FaceModel, name: str, make: Callable[[], bytes], faces: int, frames: int
) -> None:
    scan, message = try_scan(model, make())
    assert message == ""
    assert scan is not None
    assert (len(scan.faces), scan.frames) == (faces, frames)


def test_50_megapixel_image_is_downscaled_before_detection(model: FaceModel) -> None:
    decoded = decode_image(_encoded(Image.new("RGB", (8660, 5774), "tan"), "PNG", compress_level=1))
    assert decoded.pixels.shape == (1067, MAX_SIDE, 3)
    assert (decoded.width, decoded.height) == (8660, 5774)
    assert model.detect(decoded.pixels) == []


def test_box_is_reported_in_the_original_pixels(model: FaceModel) -> None:
    small, _ = try_scan(model, _encoded(_obama(), "JPEG", quality=95))
    large, _ = try_scan(model, _encoded(_obama().resize((1820, 2274)), "JPEG", quality=95))
    assert small is not None
    assert large is not None
    ratio = large.faces[0].box.left / small.faces[0].box.left
    assert 3.8 < ratio < 4.2  # 1820 / 455 wide


def test_decode_error_is_an_input_error() -> None:
    with pytest.raises(ImageError, match="empty file"):
        decode_image(b"")


def test_batch_records_every_bad_file_and_goes_on(
    database: Database, model: FaceModel, add_ad: AddAd, tmp_path: Path
) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    bad = [make() for _, make, _ in ERRORS[1:5]]
    hashes = add_ad(blobs, "ad-1", [*bad, OBAMA.read_bytes()])
    report = analyze_ad_faces(database, blobs, model)
    assert (report.images, report.faces, report.candidates) == (5, 1, 0)
    assert sorted(p.name for p in report.problems) == sorted(hashes[:4])
    again = analyze_ad_faces(database, blobs, model)
    assert (again.images, again.faces, again.problems) == (0, 0, ())
