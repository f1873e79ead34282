"""Evidence packages of crawled ads carry the WARC captures, and a changed capture shows."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.ingest.conftest import Collector, ServedSite
from threadline.ingest.archive import capture_bytes
from threadline.report import build_evidence, verify_package
from threadline.settings import Settings
from threadline.store import BlobStore, Database
from threadline.store.cases import add_item, create_case
from threadline.store.tables import ads
from threadline.store.tables_collect import captures


def _rewrite(source: Path, target: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for entry in old.namelist():
            new.writestr(entry, data if entry == name else old.read(entry))


def _flip_payload_byte(data: bytes) -> bytes:
    """The capture with one byte of its page changed and recompressed (a forged capture)."""
    plain = bytearray(gzip.decompress(data))
    at = plain.index(b"</html>")
    plain[at - 1] ^= 0x01
    return gzip.compress(bytes(plain))


@pytest.mark.slow
def test_an_evidence_package_carries_the_crawled_captures_and_checks_them(
    database: Database,
    settings: Settings,
    tmp_path: Path,
    synth_site: ServedSite,
    collector: Collector,
) -> None:
    synth_site.site.epoch = 0
    collector.collect(database, synth_site, BlobStore(settings.blob_dir()))
    with database.transaction() as connection:
        row_ids = connection.execute(select(ads.c.id).order_by(ads.c.id).limit(2)).scalars().all()
        stored = {
            r.ad_id: r
            for r in connection.execute(select(captures).where(captures.c.ad_id.in_(row_ids)))
        }
        case = create_case(connection, "Crawled ring", "alice")
        for row_id in row_ids:
            add_item(connection, case.id, "alice", "ad", str(row_id))
    path = tmp_path / "case.zip"
    build_evidence(database, settings, case.id, "alice", path)
    names = [f"items/captures/ad-{row_id}-v1.warc.gz" for row_id in row_ids]
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        packed = {name: archive.read(name) for name in names}
        readme = archive.read("README.txt").decode()
    assert manifest["unavailable"] == []
    assert [c["file"] for c in manifest["captures"]] == names
    for row_id, name in zip(row_ids, names, strict=True):
        row = stored[row_id]
        assert packed[name] == capture_bytes(Path(row.warc_path), row.record_offset)
        [entry] = [c for c in manifest["captures"] if c["file"] == name]
        assert (entry["payload_sha256"], entry["warc_record_id"], entry["url"]) == (
            row.sha256,
            row.warc_record_id,
            row.url,
        )
        assert name in manifest["files"]
        records = gzip.decompress(packed[name])
        assert (records.count(b"WARC-Type: response"), records.count(b"WARC-Type: request")) == (
            1,
            1,
        )
    assert "items/captures/" in readme
    assert verify_package(path) == []
    clean = _verify_py(path, tmp_path)
    assert clean.returncode == 0, clean.stdout

    # The capture changed: the manifest digest shows it, and so does the page's stored SHA-256.
    forged = _flip_payload_byte(packed[names[0]])
    tampered = tmp_path / "tampered.zip"
    _rewrite(path, tampered, names[0], forged)
    expected = [
        f"changed: {names[0]}",
        f"capture does not match the SHA-256 recorded at crawl time: {names[0]}",
    ]
    assert verify_package(tampered) == expected
    broken = _verify_py(tampered, tmp_path)
    assert broken.returncode == 1
    assert broken.stdout.splitlines()[:2] == expected
    cli = _threadline_verify(tampered, settings)
    assert cli.returncode == 1
    assert cli.stdout.splitlines() == expected

    # A forger who also rewrites the manifest's file digest is still caught by the stored hash.
    manifest["files"][names[0]] = hashlib.sha256(forged).hexdigest()
    both = tmp_path / "both.zip"
    _rewrite(tampered, both, "manifest.json", json.dumps(manifest).encode())
    assert verify_package(both) == [expected[1]]

    missing = tmp_path / "missing.zip"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(missing, "w") as new:
        for entry in old.namelist():
            if entry != names[1]:
                new.writestr(entry, old.read(entry))
    assert verify_package(missing) == [f"missing: {names[1]}"]


def _verify_py(package: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    folder = tmp_path / f"unzipped-{package.stem}"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    # -I: isolated, so only the standard library is importable.
    return subprocess.run(
        [sys.executable, "-I", "verify.py"], cwd=folder, capture_output=True, text=True, check=False
    )


def _threadline_verify(package: Path, settings: Settings) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"THREADLINE_DATA_DIR": str(settings.data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "threadline", "evidence", "verify", str(package)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
