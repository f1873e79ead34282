"""Accuracy floors on the shared test photos: probes find their person, strangers nobody."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageOps

from tests.faces.conftest import GALLERY, PERSONS
from threadline.faces import DEFAULT_THRESHOLD, FaceModel, Gallery, Scan, scan_image


def _top(gallery: Gallery, scan: Scan) -> list[list[str]]:
    found = gallery.candidates([f.encoding for f in scan.faces], DEFAULT_THRESHOLD)
    return [[PERSONS[c.person_id] for c in candidates] for candidates in found]


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        ("obama3.jpg", [["obama"]]),
        ("obama-240p.jpg", [["obama"]]),
        ("obama_partial_face.jpg", [["obama"]]),
        ("two_people.jpg", [["obama"], ["biden"]]),
        ("lin-manuel-miranda.png", [[]]),
    ],
)
def test_probe_candidates_are_exactly_its_person(
    gallery: Gallery, probe_scans: dict[str, Scan], probe: str, expected: list[list[str]]
) -> None:
    assert _top(gallery, probe_scans[probe]) == expected


def test_two_people_yields_two_faces_left_to_right(probe_scans: dict[str, Scan]) -> None:
    faces = probe_scans["two_people.jpg"].faces
    assert [f.number for f in faces] == [0, 1]
    assert faces[0].box.left < faces[1].box.left


def test_stranger_is_far_from_every_gallery_face(
    gallery: Gallery, probe_scans: dict[str, Scan]
) -> None:
    encoding = probe_scans["lin-manuel-miranda.png"].faces[0].encoding
    nearest = gallery.index.search(encoding.reshape(1, -1), 1)[0][0]
    assert nearest.distance > DEFAULT_THRESHOLD + 0.05


def test_threshold_separates_every_same_and_different_pair(
    gallery_scans: dict[tuple[str, str], Scan],
) -> None:
    keys = sorted(gallery_scans)
    same, different = [], []
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            distance = _distance(gallery_scans[a], gallery_scans[b])
            (same if a[0] == b[0] else different).append(distance)
    assert len(same) == 4
    assert max(same) < 0.45 < DEFAULT_THRESHOLD < min(different)


def _distance(a: Scan, b: Scan) -> float:
    return float(((a.faces[0].encoding - b.faces[0].encoding) ** 2).sum() ** 0.5)


def _resized(image: Image.Image) -> Image.Image:
    return image.resize((image.width // 2, image.height // 2))


def _recompressed(image: Image.Image) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=30)
    return Image.open(io.BytesIO(buffer.getvalue()))


@pytest.mark.parametrize(
    "change", [_resized, _recompressed, ImageOps.mirror], ids=["resized", "jpeg30", "mirrored"]
)
@pytest.mark.parametrize("person", ["obama", "rose_leslie"])
def test_altered_copy_of_a_gallery_photo_still_matches_strongly(
    model: FaceModel, gallery: Gallery, person: str, change: object
) -> None:
    original = Image.open(sorted((GALLERY / person).iterdir())[0]).convert("RGB")
    buffer = io.BytesIO()
    change(original).save(buffer, "PNG")  # type: ignore[operator]
    scan = scan_image(model, buffer.getvalue())
    found = gallery.candidates([f.encoding for f in scan.faces], DEFAULT_THRESHOLD)
    assert [[PERSONS[c.person_id] for c in cs][:1] for cs in found] == [[person]]
    assert found[0][0].confidence == "strong"
