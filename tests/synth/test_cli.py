"""`threadline synth ads`: JSON lines out, images beside the file, nothing for -n 0."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from threadline.cli import cli


def test_synth_ads_writes_n_lines_and_images_beside_the_file(tmp_path: Path) -> None:
    out = tmp_path / "ads.jsonl"
    result = CliRunner().invoke(cli, ["synth", "ads", "-n", "50", "--seed", "4", "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(records) == 50
    paths = {image["path"] for r in records for image in r["images"]}
    assert paths
    assert all((tmp_path / path).is_file() for path in paths)
    assert all(path.startswith("images/") for path in paths)


def test_synth_ads_to_stdout_writes_no_images(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["synth", "ads", "-n", "20", "--seed", "4"])
    assert result.exit_code == 0
    records = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 20
    assert all(r["images"] == [] for r in records)


def test_synth_ads_with_image_folder_writes_paths_relative_to_the_output(tmp_path: Path) -> None:
    out = tmp_path / "data" / "ads.jsonl"
    out.parent.mkdir()
    args = ["synth", "ads", "-n", "40", "-o", str(out), "--images", str(tmp_path / "pics")]
    assert CliRunner().invoke(cli, args).exit_code == 0
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    paths = [image["path"] for r in records for image in r["images"]]
    assert paths
    assert all(p.startswith("../pics/") and (out.parent / p).is_file() for p in paths)


def test_synth_ads_zero_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "none.jsonl"
    result = CliRunner().invoke(cli, ["synth", "ads", "-n", "0", "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_bytes() == b""
    assert not (tmp_path / "images").exists()


def test_synth_ads_same_seed_same_bytes() -> None:
    run = CliRunner().invoke
    first = run(cli, ["synth", "ads", "-n", "30", "--seed", "8"]).stdout_bytes
    assert first == run(cli, ["synth", "ads", "-n", "30", "--seed", "8"]).stdout_bytes
    assert first != run(cli, ["synth", "ads", "-n", "30", "--seed", "9"]).stdout_bytes


def test_synth_ads_rejects_a_negative_count() -> None:
    result = CliRunner().invoke(cli, ["synth", "ads", "-n", "-3"])
    assert result.exit_code == 2
    assert "-n" in result.output


def test_synth_ads_creates_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "new" / "ads.jsonl"
    assert CliRunner().invoke(cli, ["synth", "ads", "-n", "5", "-o", str(out)]).exit_code == 0
    assert len(out.read_bytes().splitlines()) == 5
