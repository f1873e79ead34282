"""Docs that cannot drift: every setting is in the README's configuration table."""

from __future__ import annotations

from pathlib import Path

from threadline.settings import Settings

ROOT = Path(__file__).parent.parent


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        name for name in Settings.model_fields if f"`THREADLINE_{name.upper()}`" not in readme
    ]
    assert missing == []


def test_every_setting_has_a_description() -> None:
    assert [n for n, f in Settings.model_fields.items() if not f.description] == []
