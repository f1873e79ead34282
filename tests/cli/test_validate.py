"""`threadline validate`: every shipped data file passes; a broken one is named."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from threadline.cli.validate import VALIDATORS, validate

SHIPPED = [(kind, path) for kind, (paths, _check) in VALIDATORS.items() for path in paths]


@pytest.mark.parametrize(("kind", "path"), SHIPPED, ids=[f"{k}:{p.name}" for k, p in SHIPPED])
def test_every_shipped_data_file_is_valid(kind: str, path: Path) -> None:
    _paths, check = VALIDATORS[kind]
    assert check(path) == []


def test_validate_lists_every_shipped_file_as_ok() -> None:
    result = CliRunner().invoke(validate, [], standalone_mode=False)
    assert result.return_value == 0
    assert result.output.splitlines() == [
        f"{kind} {path.name}: ok" for kind, path in sorted(SHIPPED)
    ]


def test_a_broken_file_is_reported_with_exit_status_one(tmp_path: Path) -> None:
    broken = tmp_path / "lexicon.yaml"
    broken.write_text("codes: [1\n", encoding="utf-8")
    result = CliRunner().invoke(validate, ["--kind", "lexicon", str(broken)], standalone_mode=False)
    assert result.return_value == 1
    assert result.output.endswith("lexicon lexicon.yaml: INVALID\n")


def test_files_without_kind_are_a_usage_error(tmp_path: Path) -> None:
    some = tmp_path / "x.yaml"
    some.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(validate, [str(some)])
    assert result.exit_code == 2
    assert "--kind is required" in result.output
