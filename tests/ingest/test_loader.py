"""Ingest of JSON lines and CSV: counts, rejections with file and line, idempotence, images."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection

from tests.builders import a_record
from threadline.errors import InputError
from threadline.ingest import BATCH_SIZE, Rejection, ingest_files
from threadline.ingest import loader as loader_module
from threadline.ingest.sources import parse_json_line, read_csv
from threadline.store import BlobStore, Database, SaveCounts, count_ads, get_ad, search_ad_ids


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ingest_reports_bad_lines_and_keeps_the_rest(database: Database, tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "ads.jsonl",
        [
            json.dumps(a_record("a")),
            "{not json",
            "",
            json.dumps({"id": "b"}),
            json.dumps(a_record("c")),
        ],
    )
    report = ingest_files(database, [path], "corpus")
    assert report.read == 4
    assert report.counts == SaveCounts(added=2)
    assert report.rejected == [
        Rejection("ads.jsonl:2", "not JSON (column 2)"),
        Rejection("ads.jsonl:4", "record has neither title nor body"),
    ]
    assert database.ad_count() == 2


def test_reingest_adds_nothing(database: Database, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "ads.jsonl", [json.dumps(a_record(f"ad-{i}")) for i in range(5)])
    first = ingest_files(database, [path], "corpus")
    second = ingest_files(database, [path], "corpus")
    assert (first.counts, second.counts) == (SaveCounts(added=5), SaveCounts(unchanged=5))
    assert database.ad_count() == 5


def test_strict_stops_at_first_rejection_and_keeps_what_came_before(
    database: Database, tmp_path: Path
) -> None:
    lines = [json.dumps(a_record("a")), "[]", json.dumps(a_record("b"))]
    report = ingest_files(database, [_jsonl(tmp_path / "ads.jsonl", lines)], "corpus", strict=True)
    assert report.stopped_early is True
    assert report.rejected == [Rejection("ads.jsonl:2", "record is not a JSON object")]
    assert database.ad_count() == 1


def test_a_batch_that_fails_on_the_commit_thread_is_rolled_back_and_stops_the_run(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [json.dumps(a_record(f"ad-{i}")) for i in range(3 * BATCH_SIZE)]
    path = _jsonl(tmp_path / "ads.jsonl", lines)
    indexed: list[int] = []

    def index_or_fail(connection: Connection, first: int, last: int) -> None:
        indexed.append(first)
        if len(indexed) == 2:
            raise RuntimeError("disk gone")
        real_index(connection, first, last)

    real_index = loader_module.index_new_ads
    monkeypatch.setattr(loader_module, "index_new_ads", index_or_fail)
    with pytest.raises(RuntimeError, match="disk gone"):
        ingest_files(database, [path], "corpus")
    # The first batch is committed and searchable; the second is rolled back whole; the
    # third was never begun, as its transaction waits for the second's commit.
    assert indexed == [1, BATCH_SIZE + 1]
    assert database.ad_count() == BATCH_SIZE
    with database.transaction() as connection:
        found = search_ad_ids(connection, "sweet company", limit=3 * BATCH_SIZE)
    assert sorted(found) == list(range(1, BATCH_SIZE + 1))


def test_missing_file_fails_before_anything_is_written(database: Database, tmp_path: Path) -> None:
    good = _jsonl(tmp_path / "ads.jsonl", [json.dumps(a_record("a"))])
    with pytest.raises(InputError, match="no such file"):
        ingest_files(database, [good, tmp_path / "missing.jsonl"], "corpus")
    assert database.ad_count() == 0


def test_unknown_extension_is_refused(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "ads.xml"
    path.write_text("<ads/>")
    with pytest.raises(InputError, match=r"unknown format '\.xml'"):
        ingest_files(database, [path], "corpus")


def test_csv_rows_become_ads_with_images_split(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_text(
        "id,title,body,city,images,rating\n"
        "c1,Hello,Text me,Reno,https://x/a.jpg|https://x/b.jpg,5\n"
        "c2,,,Reno,,\n"
        'c3,Hi,"multi\nline",,"[{""url"": ""https://x/c.jpg""}]",\n',
        encoding="utf-8",
    )
    report = ingest_files(database, [path], "corpus")
    assert report.rejected == [Rejection("ads.csv:3", "record has neither title nor body")]
    with database.transaction() as connection:
        first, third = get_ad(connection, 1), get_ad(connection, 2)
    assert first is not None
    assert third is not None
    assert [image.url for image in first.ad.images] == ["https://x/a.jpg", "https://x/b.jpg"]
    assert first.ad.extra == {"rating": "5"}
    assert (third.ad.body, third.ad.images[0].url) == ("multi\nline", "https://x/c.jpg")


def test_csv_row_with_too_many_fields_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_text("id,title\nc1,Hi,extra\n", encoding="utf-8")
    assert [p.error for p in read_csv(path)] == ["more fields than the header names"]


def test_local_images_go_to_the_blob_store_once(database: Database, tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "one.jpg").write_bytes(b"picture-bytes")
    records = [
        a_record("a", images=[{"path": "images/one.jpg"}]),
        a_record("b", images=[{"path": "images/one.jpg"}, {"path": "images/missing.jpg"}]),
    ]
    path = _jsonl(tmp_path / "ads.jsonl", [json.dumps(r) for r in records])
    blobs = BlobStore(tmp_path / "blobs")
    ingest_files(database, [path], "corpus", blobs=blobs)
    with database.transaction() as connection:
        second = get_ad(connection, 2)
        assert count_ads(connection) == 2
    assert second is not None
    digest = second.ad.images[0].sha256
    assert digest is not None
    assert blobs.get(digest) == b"picture-bytes"
    assert second.ad.images[1].sha256 is None


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_parse_json_line_turns_any_bytes_into_an_ad_or_a_reason(line: bytes) -> None:
    parsed = parse_json_line(line, "x:1")
    assert (parsed.ad is None) == bool(parsed.error)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_read_csv_never_raises(tmp_path_factory: pytest.TempPathFactory, content: str) -> None:
    path = tmp_path_factory.mktemp("csv") / "ads.csv"
    path.write_text("id,title,body\n" + content, encoding="utf-8")
    for parsed in read_csv(path):
        assert (parsed.ad is None) == bool(parsed.error)
