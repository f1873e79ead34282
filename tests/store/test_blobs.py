"""Content-addressed blobs: named by hash, written once, verified on demand."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from threadline.errors import NotFoundError
from threadline.store import BlobStore, keyed_hash


def test_put_names_the_blob_by_its_sha256(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"evidence")
    assert digest == hashlib.sha256(b"evidence").hexdigest()
    assert blobs.path(digest) == tmp_path / digest[:2] / digest[2:4] / digest
    assert blobs.get(digest) == b"evidence"
    assert blobs.verify(digest) is True


def test_put_twice_keeps_one_file(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    assert blobs.put(b"x") == blobs.put(b"x")
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_verify_catches_a_changed_blob(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"original")
    blobs.path(digest).write_bytes(b"changed")
    assert blobs.verify(digest) is False


@pytest.mark.parametrize("name", ["", "../etc/passwd", "z" * 64, "AB" * 32])
def test_path_refuses_what_is_not_a_sha256(tmp_path: Path, name: str) -> None:
    with pytest.raises(NotFoundError):
        BlobStore(tmp_path).path(name)


def test_keyed_hash_depends_on_key_kind_and_value() -> None:
    assert keyed_hash(b"k", "phone", "+17025550142") == (
        "75a2b167c4bb889acfe2513640e0e4aea51f2240d2f2554e9a1b22aafec00f6d"
    )
    assert keyed_hash(b"k2", "phone", "+17025550142") != keyed_hash(b"k", "phone", "+17025550142")
    assert keyed_hash(b"k", "email", "+17025550142") != keyed_hash(b"k", "phone", "+17025550142")
