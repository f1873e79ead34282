"""Reading a gallery folder and its CSV; the model registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faces.conftest import GALLERY
from threadline.errors import ConfigError, InputError
from threadline.faces import MODELS, load_model, read_gallery


def test_each_subfolder_is_one_person_named_by_the_folder() -> None:
    persons = read_gallery(GALLERY)
    assert [(p.case_number, p.name, [f.name for f in p.photos]) for p in persons] == [
        ("alex_lacamoire", "alex_lacamoire", ["img1.jpg"]),
        ("biden", "biden", ["biden.jpg", "biden2.jpg"]),
        ("kit_harington", "kit_harington", ["john1.jpeg", "john2.jpeg"]),
        ("obama", "obama", ["obama.jpg", "obama2.jpg"]),
        ("rose_leslie", "rose_leslie", ["img1.jpg", "img2.jpg"]),
    ]


def test_meta_rows_take_photos_from_the_case_number_folder(tmp_path: Path) -> None:
    meta = tmp_path / "persons.csv"
    meta.write_text("case_number,name,agency\nbiden,Jo Example,Metro PD\n", encoding="utf-8")
    [person] = read_gallery(GALLERY, meta)
    assert (person.name, person.agency, len(person.photos)) == ("Jo Example", "Metro PD", 2)


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("name\nAna\n", "missing column(s) case_number"),
        ("case_number,name\nMP-1,\n", "every row needs a case_number and a name"),
    ],
)
def test_bad_meta_is_refused(tmp_path: Path, csv: str, message: str) -> None:
    meta = tmp_path / "persons.csv"
    meta.write_text(csv, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_gallery(tmp_path, meta)


def test_gallery_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a folder"):
        read_gallery(tmp_path / "missing")


def test_registry_names_the_known_models() -> None:
    assert sorted(MODELS) == ["dlib-resnet-v1"]
    with pytest.raises(ConfigError, match="unknown face model 'arcface'; known: dlib-resnet-v1"):
        load_model("arcface")
