"""The committed CLI reference matches what the commands say about themselves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).parent.parent / "docs" / "cli.md"


def test_docs_cli_md_is_current() -> None:
    # A fresh process: click caches help options on commands that earlier tests invoked.
    rendered = subprocess.run(
        [sys.executable, "-m", "threadline.cli._reference"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert DOC.read_text(encoding="utf-8") == rendered, "run `make docs` to regenerate docs/cli.md"
