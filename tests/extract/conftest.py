"""Helpers for extraction tests: run one extractor over a raw text."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from threadline.extract import Extractor, normalize
from threadline.model import Finding

Run = Callable[[Extractor, str], list[Finding]]


@pytest.fixture
def run() -> Run:
    """Normalize a text and run one extractor on it (region US)."""

    def _run(extractor: Extractor, text: str) -> list[Finding]:
        findings = extractor(normalize(text), "US")
        for finding in findings:  # every span proves its finding
            assert text[finding.start : finding.end] == finding.text
        return findings

    return _run
