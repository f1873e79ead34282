"""Images: abstract pictures per network, reposted as resized, recompressed or cropped files."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import imagehash
import pytest
from PIL import Image

from threadline.synth import TRANSFORMS, generate_ads


@pytest.fixture(scope="module")
def with_images(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """Four hundred ads whose images lie in `<base>/images`, paths relative to `<base>`."""
    base = tmp_path_factory.mktemp("corpus")
    return base, list(generate_ads(400, 5, base / "images", relative_to=base))


def _files(records: list[dict[str, Any]]) -> dict[str, tuple[str, str, str, str]]:
    """path -> (sha256, origin, transform, network) over every record image."""
    return {
        image["path"]: (
            image["sha256"],
            truth["origin"],
            truth["transform"],
            record["_truth"]["network"],
        )
        for record in records
        for image, truth in zip(record["images"], record["_truth"]["images"], strict=True)
    }


def test_record_images_and_truth_images_pair_up(
    with_images: tuple[Path, list[dict[str, Any]]],
) -> None:
    _, records = with_images
    assert all(len(r["images"]) == len(r["_truth"]["images"]) for r in records)
    assert sum(len(r["images"]) for r in records) > 200


def test_image_files_exist_with_their_hash_and_relative_path(
    with_images: tuple[Path, list[dict[str, Any]]],
) -> None:
    base, records = with_images
    for path, (sha256, origin, transform, _) in _files(records).items():
        assert path == f"images/{origin}-{transform}.jpg"
        assert hashlib.sha256((base / path).read_bytes()).hexdigest() == sha256
        with Image.open(base / path) as image:
            assert image.format == "JPEG"
            assert min(image.size) >= 57
            assert max(image.size) <= 160


def test_every_transform_appears_and_each_gives_a_different_file(
    with_images: tuple[Path, list[dict[str, Any]]],
) -> None:
    _, records = with_images
    by_origin: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for sha256, origin, transform, _ in _files(records).values():
        by_origin[origin][transform] = sha256
    assert {t for variants in by_origin.values() for t in variants} == set(TRANSFORMS)
    assert all(len(set(v.values())) == len(v) <= 3 for v in by_origin.values())


def test_networks_never_share_an_origin(with_images: tuple[Path, list[dict[str, Any]]]) -> None:
    _, records = with_images
    owners: defaultdict[str, set[str]] = defaultdict(set)
    for _, origin, _, network in _files(records).values():
        owners[origin].add(network)
    assert owners
    assert all(len(networks) == 1 for networks in owners.values())


def test_same_seed_writes_the_same_image_bytes(tmp_path: Path) -> None:
    first = list(generate_ads(60, 9, tmp_path / "a" / "images", relative_to=tmp_path / "a"))
    second = list(generate_ads(60, 9, tmp_path / "b" / "images", relative_to=tmp_path / "b"))
    assert first == second
    names = sorted(p.name for p in (tmp_path / "a" / "images").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b" / "images").iterdir())


def test_text_is_the_same_with_or_without_images(tmp_path: Path) -> None:
    with_files = list(generate_ads(80, 3, tmp_path / "images"))
    without = list(generate_ads(80, 3, None))
    assert [(r["title"], r["body"]) for r in with_files] == [
        (r["title"], r["body"]) for r in without
    ]
    assert all(r["images"] == [] and r["_truth"]["images"] == [] for r in without)


def test_reposts_stay_perceptually_close_and_networks_stay_apart(
    with_images: tuple[Path, list[dict[str, Any]]],
) -> None:
    base, records = with_images
    files = _files(records)
    hashes = {path: imagehash.phash(Image.open(base / path)) for path in files}
    by_origin: defaultdict[str, list[str]] = defaultdict(list)
    for path, (_, origin, _, _) in files.items():
        by_origin[origin].append(path)
    same = [hashes[a] - hashes[b] for paths in by_origin.values() for a in paths for b in paths]
    firsts = [(files[paths[0]][3], hashes[paths[0]]) for paths in by_origin.values()]
    apart = [
        a - b
        for i, (net_a, a) in enumerate(firsts)
        for net_b, b in firsts[i + 1 :]
        if net_a != net_b
    ]
    assert max(same) <= 10
    assert min(apart) >= 12
