"""One ad end to end: findings with evidence, the `extracted` record, the command."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from threadline.cli import cli
from threadline.extract import EXTRACTORS, extract_ad, extraction_to_record
from threadline.model import Ad

AD = Ad(
    id="ad-1",
    title="Young Mila new in town Las Vegas, NV",
    body=(
        "Hi im 17, call 7O2-555-Ol42 or seven oh two five five five zero one four three. "
        "IG: mila_b, mila (at) gmial dot com. $200/hr qv 100 🍒 no cops"
    ),
    site="nightlist.example",
    posted_at=datetime(2025, 11, 3, 21, 0, tzinfo=UTC),
)


def test_extractors_registry_is_explicit() -> None:
    names = [extractor.__name__ for extractor in EXTRACTORS]
    assert names == [
        "extract_phones",
        "extract_emails",
        "extract_handles",
        "extract_urls",
        "extract_ages",
        "extract_prices",
        "extract_places",
        "extract_indicators",
    ]


def test_extract_ad_findings_point_at_their_evidence() -> None:
    extraction = extract_ad(AD)
    assert extraction.ad_id == "ad-1"
    for finding in extraction.findings:
        assert AD.text[finding.start : finding.end] == finding.text
        assert "@" in finding.source


def test_extraction_to_record_follows_the_contract() -> None:
    record = extraction_to_record(extract_ad(AD))
    assert record["phones"] == ["+17025550142", "+17025550143"]
    assert record["emails"] == ["mila@gmail.com"]
    assert record["handles"] == [{"service": "instagram", "handle": "mila_b"}]
    assert record["ages"] == [17]
    assert record["prices"] == [
        {"amount": 200, "unit": "hour", "currency": "USD"},
        {"amount": 100, "unit": "quick_visit", "currency": "USD"},
    ]
    assert record["places"] == [
        {"value": "Las Vegas, NV", "basis": "text"},
        {"value": "Nevada", "basis": "area_code"},
    ]
    codes = [i["code"] for i in record["indicators"]]
    assert codes == [
        "youth.young",
        "movement.new_in_town",
        "age.under_18",
        "obscured.phone",
        "obscured.phone",
        "emoji.cherry",
        "trust.no_law",
    ]
    first = record["indicators"][0]
    assert first == {
        "code": "youth.young",
        "category": "youth",
        "weight": 2.0,
        "start": 0,
        "end": 5,
        "text": "Young",
    }
    assert record["risk"]["level"] == "high"
    assert record["risk"]["score"] == 15.5
    assert record["juvenile"] == {
        "flag": True,
        "reasons": [{"code": "age.under_18", "weight": 10.0, "evidence": "im 17"}],
    }


def test_record_findings_include_site_and_posting_time() -> None:
    findings = extraction_to_record(extract_ad(AD))["findings"]
    facts = {f["kind"]: f["value"] for f in findings if f["source"] == "record@1"}
    assert facts == {"site": "nightlist.example", "posted_at": "2025-11-03T21:00:00+00:00"}


def test_extract_command_adds_extracted_and_reports_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "title": "hi", "body": "call 702-555-0142", "x": 1}),
        "{not json",
        json.dumps({"title": "no id"}),
        "",
        json.dumps({"id": "b", "body": "snap: ana_b"}),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    env = {"THREADLINE_DATA_DIR": str(tmp_path / "var")}
    result = CliRunner().invoke(cli, ["extract", "-i", str(source), "-o", str(out)], env=env)
    assert result.exit_code == 1
    assert f"{source}:2: not JSON" in result.output
    assert f"{source}:3: record has no id" in result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert records[0]["x"] == 1
    assert records[0]["extracted"]["phones"] == ["+17025550142"]
    assert records[1]["extracted"]["handles"] == [{"service": "snapchat", "handle": "ana_b"}]


def test_extract_command_streams_stdin_to_stdout(tmp_path: Path) -> None:
    env = {"THREADLINE_DATA_DIR": str(tmp_path / "var")}
    line = json.dumps({"id": "a", "body": "age: nineteen"}) + "\n"
    result = CliRunner().invoke(cli, ["extract"], input=line, env=env)
    assert result.exit_code == 0
    assert json.loads(result.output)["extracted"]["ages"] == [19]


@pytest.mark.parametrize("region", ["US", "GB"])
def test_extract_command_uses_the_default_region(tmp_path: Path, region: str) -> None:
    env = {"THREADLINE_DATA_DIR": str(tmp_path / "var"), "THREADLINE_DEFAULT_REGION": region}
    line = json.dumps({"id": "a", "body": "call 020 7946 0958"}) + "\n"
    result = CliRunner().invoke(cli, ["extract"], input=line, env=env)
    phones = json.loads(result.output)["extracted"]["phones"]
    assert phones == ([] if region == "US" else ["+442079460958"])
