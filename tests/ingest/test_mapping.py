"""Site mappings: the shipped ones validate; broken ones are named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from threadline.errors import InputError
from threadline.ingest.mapping import (
    SHIPPED_MAPPINGS,
    load_mapping,
    read_mapping,
    resolve_mapping,
    validate_mapping,
)


def _write(tmp_path: Path, changes: dict[str, object]) -> Path:
    data = yaml.safe_load(resolve_mapping("synth-site").read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", SHIPPED_MAPPINGS, ids=lambda p: p.name)
def test_shipped_mapping_is_valid(path: Path) -> None:
    assert validate_mapping(path) == []


def test_synth_site_mapping_start_urls_follow_the_base_url() -> None:
    mapping = load_mapping(resolve_mapping("synth-site"))
    assert mapping.start_urls("http://127.0.0.1:9")[:2] == [
        "http://127.0.0.1:9/new-york/",
        "http://127.0.0.1:9/los-angeles/",
    ]
    assert len(mapping.cities) == 65
    assert mapping.is_ad_url("http://h/reno/ad/A000001.html") is True
    assert mapping.is_ad_url("http://h/reno/?page=2") is False


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"politeness": {"obey_robots": False}},
            "politeness: Value error, obey_robots: false needs a robots_reason",
        ),
        (
            {"listing": {"ad_links": "a[href"}},
            "listing.ad_links: Value error, bad selector 'a[href': "
            "Operator expected, got <EOF at 6>",
        ),
        ({"base_url": "ftp://x"}, "base_url: String should match pattern '^https?://[^/\\s]+$'"),
        ({"surprise": 1}, "surprise: Extra inputs are not permitted"),
    ],
)
def test_broken_mapping_is_named(tmp_path: Path, changes: dict[str, object], problem: str) -> None:
    assert validate_mapping(_write(tmp_path, changes)) == [problem]


def test_robots_may_be_ignored_with_a_reason(tmp_path: Path) -> None:
    changes = {"politeness": {"obey_robots": False, "robots_reason": "our own test site"}}
    assert validate_mapping(_write(tmp_path, changes)) == []


def test_unknown_mapping_name_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no-such-site: no such mapping file or shipped mapping"):
        read_mapping("no-such-site")
