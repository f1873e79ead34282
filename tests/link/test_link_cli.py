"""`threadline link` and `threadline stats` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from threadline.cli import cli
from threadline.errors import InputError
from threadline.link._result import stable_id
from threadline.synth import generate_ads

TEXT = "Hi gentlemen I am {name} visiting {city} this week, sweet fun and discreet, call {phone}"


def _records(tmp_path: Path) -> list[dict[str, object]]:
    picture = tmp_path / "p.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(picture)
    extracted = {"phones": ["+17025550101"], "risk": {"score": 4.5}, "juvenile": {"flag": True}}
    return [
        {"id": "a1", "body": "first ad words here and more", "extracted": extracted},
        {"id": "a2", "body": "second ad, other words entirely", "extracted": extracted},
        {
            "id": "b1",
            "body": TEXT.format(name="Ana", city="Reno", phone="775-555-0101"),
            "city": "Reno",
            "extracted": {"phones": ["+17755550101"]},
            "images": [{"path": str(picture)}],
        },
        {
            "id": "b2",
            "body": TEXT.format(name="Bea", city="Vegas", phone="702-555-0177"),
            "city": "Vegas",
            "extracted": {"phones": ["+17025550177"]},
        },
        {"id": "c1", "body": "a lonely ad", "extracted": {}, "images": [{"path": str(picture)}]},
    ]


def _jsonl(records: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def _invoke(tmp_path: Path, args: list[str], stdin: str = "") -> list[dict[str, object]]:
    env = {"THREADLINE_DATA_DIR": str(tmp_path / "var")}
    result = CliRunner().invoke(cli, args, input=stdin, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_link_writes_one_line_per_ad_with_network_and_via(tmp_path: Path) -> None:
    lines = _invoke(tmp_path, ["link"], _jsonl(_records(tmp_path)))
    template = "template:" + stable_id("T", "b1")
    image = [v for v in lines[2]["via"] if str(v).startswith("image:")]  # type: ignore[union-attr]
    assert lines == [
        {"id": "a1", "network": stable_id("N", "a1"), "via": ["phone:+17025550101"]},
        {"id": "a2", "network": stable_id("N", "a1"), "via": ["phone:+17025550101"]},
        {"id": "b1", "network": stable_id("N", "b1"), "via": [template, *image]},
        {"id": "b2", "network": stable_id("N", "b1"), "via": [template]},
        {"id": "c1", "network": stable_id("N", "b1"), "via": image},
    ]
    assert len(image) == 1


def test_link_summary_is_a_final_line_or_a_file(tmp_path: Path) -> None:
    stdin = _jsonl(_records(tmp_path))
    *ads, summary = _invoke(tmp_path, ["link", "--summary"], stdin)
    assert len(ads) == 5
    networks = summary["summary"]["networks"]  # type: ignore[index]
    assert [(n["network"], n["size"], n["max_risk"], n["juvenile_ads"]) for n in networks] == [
        (stable_id("N", "b1"), 3, 0.0, []),
        (stable_id("N", "a1"), 2, 4.5, ["a1", "a2"]),
    ]
    (template,) = summary["summary"]["templates"]  # type: ignore[index]
    assert template["text"].startswith("hi gentlemen i am {text} visiting {city} this week")
    path = tmp_path / "summary.json"
    assert len(_invoke(tmp_path, ["link", "--summary", str(path)], stdin)) == 5
    assert json.loads(path.read_text()) == summary


def test_link_state_file_joins_later_batches(tmp_path: Path) -> None:
    records = _records(tmp_path)
    state = str(tmp_path / "link.state")
    _invoke(tmp_path, ["link", "--state", state], _jsonl(records[:4]))
    later = _invoke(tmp_path, ["link", "--state", state], _jsonl(records[4:]))
    assert later == [{"id": "c1", "network": stable_id("N", "b1"), "via": later[0]["via"]}]
    assert str(later[0]["via"][0]).startswith("image:")  # type: ignore[index]


def test_stats_prints_json_csv_and_text(tmp_path: Path) -> None:
    stdin = _jsonl(_records(tmp_path))
    (record,) = _invoke(tmp_path, ["stats", "--json", "--top", "2"], stdin)
    assert (record["ads"], record["phones"]) == (5, 3)
    assert record["top_phone_share"] == {"10": 0.8, "100": 0.8, "1000": 0.8}
    runner = CliRunner()
    env = {"THREADLINE_DATA_DIR": str(tmp_path / "var")}
    csv_out = runner.invoke(cli, ["stats", "--csv"], input=stdin, env=env).output
    assert csv_out.splitlines()[:3] == [
        "section,key,subkey,value",
        "corpus,ads,,5",
        "corpus,phones,,3",
    ]
    text = runner.invoke(cli, ["stats"], input=stdin, env=env).output
    assert text.splitlines()[0] == "ads 5, distinct phones 3, Gini 0.167"


def test_help_documents_the_summary_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["link", "--help"])
    assert "--summary [PATH]" in result.output
    assert "final" in result.output


def test_link_names_the_first_bad_line_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "ads.jsonl"
    good = _jsonl(_records(tmp_path)[:2])
    source.write_text(good + "\n" + '{"id": "x1", "body": \n' + good)
    env = {"THREADLINE_DATA_DIR": str(tmp_path / "var")}
    out = tmp_path / "links.jsonl"
    result = CliRunner().invoke(cli, ["link", "-i", str(source), "-o", str(out)], env=env)
    assert isinstance(result.exception, InputError)  # `main` prints it as one line
    assert str(result.exception) == f"{source}:4: not JSON (column 1)"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("links")) == []


def test_raw_records_link_as_their_extracted_records_do(tmp_path: Path) -> None:
    """Extraction inside `link` reads the findings directly; `extract | link` reads the
    `extracted` record of the same findings: both must give the same networks and vias."""
    raw = _jsonl(list(generate_ads(300, seed=3, image_dir=None)))
    extracted = CliRunner().invoke(
        cli, ["extract"], input=raw, env={"THREADLINE_DATA_DIR": str(tmp_path / "v")}
    )
    assert extracted.exit_code == 0
    direct = _invoke(tmp_path, ["link", "--summary"], raw)
    via_record = _invoke(tmp_path, ["link", "--summary"], extracted.output)
    assert direct == via_record
    assert len({line["network"] for line in direct[:-1]}) < 300  # networks were found
