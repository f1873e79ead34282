"""Evidence packages: complete, verifiable without Threadline, and any tampering shows."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.report.corpus import Seeded, seed
from threadline.errors import NotFoundError
from threadline.report import build_evidence, verify_package
from threadline.settings import Settings
from threadline.store import BlobStore, Database
from threadline.store.cases import add_item, create_case


@pytest.fixture
def package(database: Database, settings: Settings, tmp_path: Path) -> tuple[Path, Seeded, int]:
    seeded = seed(database, BlobStore(settings.blob_dir()))
    with database.transaction() as connection:
        case = create_case(connection, "Vegas ring", "alice")
        add_item(connection, case.id, "alice", "ad", str(seeded.a1), "juvenile indicator")
        add_item(connection, case.id, "alice", "network", "net-a")
        add_item(connection, case.id, "alice", "note", "Spoke to the platform", "call on Monday")
        add_item(connection, case.id, "alice", "face_review", "review-7")
    path = tmp_path / "case.zip"
    build_evidence(database, settings, case.id, "alice", path)
    return path, seeded, case.id


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """Copy a zip, replacing (bytes), dropping (None) or adding entries."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if name not in change:
                new.writestr(name, old.read(name))
        for name, data in change.items():
            if data is not None:
                new.writestr(name, data)


def test_a_package_holds_every_item_and_verifies(package: tuple[Path, Seeded, int]) -> None:
    path, seeded, case_id = package
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        custody = json.loads(archive.read("custody.json"))
        ad = json.loads(archive.read(f"items/ads/ad-{seeded.a1}.json"))
    assert names == sorted(
        [
            "README.txt",
            "case.json",
            "custody.json",
            "manifest.json",
            "verify.py",
            f"items/ads/ad-{seeded.a1}.json",
            f"items/images/{seeded.image}.png",
            "items/networks/net-a.json",
            "items/notes/note-3.txt",
            "items/face_reviews/face_review-4.json",
        ]
    )
    assert sorted(manifest["files"]) == sorted(set(names) - {"manifest.json"})
    assert ad["record_as_captured"]["id"] == "a1"
    assert ad["analysis"]["juvenile_indicator"] is True
    actions = [(row["action"], row["object_id"]) for row in custody["rows"]]
    assert actions[0] == ("case.create", str(case_id))
    assert ("case.export.evidence", str(case_id)) in actions
    assert custody["chain_head"]["seq"] == custody["rows"][-1]["seq"]
    assert verify_package(path) == []


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        ({"case.json": b"{}"}, ["changed: case.json"]),
        ({"README.txt": None}, ["missing: README.txt"]),
        ({"items/extra.txt": b"planted"}, ["added: items/extra.txt"]),
        ({"manifest.json": b"not json"}, ["changed: manifest.json is not a readable manifest"]),
    ],
)
def test_tampering_fails_verification(
    package: tuple[Path, Seeded, int],
    tmp_path: Path,
    change: dict[str, bytes | None],
    problems: list[str],
) -> None:
    path, _, _ = package
    tampered = tmp_path / "tampered.zip"
    _rewrite(path, tampered, change)
    assert verify_package(tampered) == problems


def test_verify_py_runs_with_the_standard_library_alone(
    package: tuple[Path, Seeded, int], tmp_path: Path
) -> None:
    path, seeded, _ = package
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    # -I: isolated mode, so nothing of Threadline or the venv's site-packages is importable.
    clean = subprocess.run(
        [sys.executable, "-I", "verify.py"], cwd=folder, capture_output=True, text=True, check=False
    )
    assert (clean.returncode, clean.stdout) == (0, "ok: 10 files match manifest.json\n")
    (folder / f"items/ads/ad-{seeded.a1}.json").write_text("{}", encoding="utf-8")
    (folder / "case.json").unlink()
    broken = subprocess.run(
        [sys.executable, "-I", str(folder / "verify.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode == 1
    assert broken.stdout.splitlines() == [
        "missing: case.json",
        f"changed: items/ads/ad-{seeded.a1}.json",
        f"FAILED: 2 problem(s) in {folder}",
    ]
    zipped = subprocess.run(
        [sys.executable, "-I", str(folder / "verify.py"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (zipped.returncode, zipped.stdout) == (0, "ok: 10 files match manifest.json\n")


def test_only_visible_cases_can_be_packaged(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    with database.transaction() as connection:
        case = create_case(connection, "Private", "alice")
    with pytest.raises(NotFoundError):
        build_evidence(database, settings, case.id, "mallory", tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()
