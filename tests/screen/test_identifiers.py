"""Watchlist values in canonical form, so they hash like the identifiers found in ads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.report.corpus import png
from threadline.errors import InputError
from threadline.screen import canonical, image_key


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("phone", "702-555-0142", "+17025550142"),
        ("phone", "+1 (312) 555-0199", "+13125550199"),
        ("email", " Ana@Example.COM ", "ana@example.com"),
        ("handle", "KIK: @Ana_X", "kik:ana_x"),
        ("image", "AB" * 32, "ab" * 32),
    ],
)
def test_canonical_values(kind: str, value: str, expected: str) -> None:
    assert canonical(kind, value) == expected


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("phone", "call me", "not a phone number: 'call me'"),
        ("email", "ana@", "not an email address: 'ana@'"),
        ("handle", "ana_x", "a handle is written service:handle, e.g. kik:ana_x"),
        (
            "image",
            "zz",
            "an image is 64 hex digits of a perceptual hash or a path to an image file",
        ),
        ("car", "x", "kind must be one of email, handle, image, phone"),
    ],
)
def test_bad_values_are_refused(kind: str, value: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        canonical(kind, value)
    assert raised.value.detail == message


def test_an_image_file_becomes_its_whole_image_hash(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(png())
    assert canonical("image", str(path)) == image_key(png())
    assert len(image_key(png())) == 64
