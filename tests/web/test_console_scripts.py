"""Checking a new bot script version: problems, the version rule, the diff."""

from __future__ import annotations

from datetime import UTC, datetime

from threadline.intercept import SHIPPED_SCRIPTS
from threadline.store.intercept import Campaign
from threadline.web.console._scripts import check_script

TEXT = next(p for p in SHIPPED_SCRIPTS if p.stem == "example-en").read_text(encoding="utf-8")
ACTIVE = Campaign(1, "vegas", "+17025550100", "example-en", 1, "0" * 64, TEXT, datetime.now(UTC))


def test_same_version_is_refused() -> None:
    check = check_script(TEXT, ACTIVE)
    assert check.problems == ("version must be above the active version 1",)
    assert check.diff == ()


def test_new_version_is_valid_and_diffed() -> None:
    newer = TEXT.replace("version: 1\n", "version: 2\n", 1)
    check = check_script(newer, ACTIVE)
    assert (check.valid, check.script_id, check.version) == (True, "example-en", 2)
    assert [line for line in check.diff if line[:1] in "+-"] == [
        "--- example-en@1",
        "+++ example-en@2",
        "-version: 1",
        "+version: 2",
    ]


def test_other_script_id_is_refused() -> None:
    other = TEXT.replace("id: example-en\n", "id: example-xx\n", 1)
    check = check_script(other, ACTIVE)
    assert check.problems == ("id 'example-xx' differs from the campaign's script 'example-en'",)


def test_broken_yaml_lists_its_problem() -> None:
    check = check_script("id: [unclosed", None)
    assert check.valid is False
    assert check.problems[0].startswith("not YAML:")
