"""The committed CLI reference matches what the commands say about themselves."""

from __future__ import annotations

from pathlib import Path

from threadline.cli._reference import reference

DOC = Path(__file__).parent.parent / "docs" / "cli.md"


def test_docs_cli_md_is_current() -> None:
    expected = reference() + "\n"
    assert DOC.read_text(encoding="utf-8") == expected, "run `make docs` to regenerate docs/cli.md"
