"""Quality floors on the labelled synthetic corpus (docs/truth.md), with figures printed.

Phones: precision >= 0.99 and recall >= 0.98 over every obfuscation style; e-mails, handles,
ages and prices: precision and recall >= 0.95 each. Run with `-s` to see the figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from threadline.extract import extract_ad, extraction_to_record
from threadline.model import ad_from_record

synth = pytest.importorskip("threadline.synth")
if not hasattr(synth, "generate_ads"):  # pragma: no cover - while synth is being written
    pytest.skip("threadline.synth.generate_ads is not there yet", allow_module_level=True)

FLOORS = {
    "phones": (0.99, 0.98),
    "emails": (0.95, 0.95),
    "handles": (0.95, 0.95),
    "ages": (0.95, 0.95),
    "prices": (0.95, 0.95),
}


@dataclass
class Tally:
    """True positives, false positives and false negatives of one kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, truth: Counter[Any], found: Counter[Any]) -> None:
        self.tp += sum((truth & found).values())
        self.fp += sum((found - truth).values())
        self.fn += sum((truth - found).values())

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    """Tallies per kind and phone recall per style."""

    kinds: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in FLOORS})
    styles: dict[str, list[int]] = field(default_factory=dict)  # style -> [found, total]
    juvenile: Tally = field(default_factory=Tally)


def _truth_values(truth: dict[str, Any]) -> dict[str, Counter[Any]]:
    return {
        "phones": Counter({p["value"] for p in truth["phones"]}),
        "emails": Counter({e["value"] for e in truth["emails"]}),
        "handles": Counter({(h["service"], h["handle"]) for h in truth["handles"]}),
        "ages": Counter({a["value"] for a in truth["ages"]}),
        "prices": Counter({(p["amount"], p["unit"]) for p in truth["prices"]}),
    }


def _found_values(extracted: dict[str, Any]) -> dict[str, Counter[Any]]:
    return {
        "phones": Counter(set(extracted["phones"])),
        "emails": Counter(set(extracted["emails"])),
        "handles": Counter({(h["service"], h["handle"]) for h in extracted["handles"]}),
        "ages": Counter(set(extracted["ages"])),
        "prices": Counter({(p["amount"], p["unit"]) for p in extracted["prices"]}),
    }


def _records() -> Iterator[dict[str, Any]]:
    yield from synth.generate_ads(2000, seed=7, image_dir=None)


@pytest.fixture(scope="module")
def report() -> Report:
    """Extraction compared with `_truth` over 2,000 synthetic ads (seed 7)."""
    result = Report()
    for record in _records():
        truth = record["_truth"]
        extracted = extraction_to_record(extract_ad(ad_from_record(record)))
        found = _found_values(extracted)
        for kind, expected in _truth_values(truth).items():
            result.kinds[kind].add(expected, found[kind])
        for phone in truth["phones"]:
            tally = result.styles.setdefault(phone["style"], [0, 0])
            tally[0] += phone["value"] in found["phones"]
            tally[1] += 1
        flagged = extracted["juvenile"]["flag"]
        result.juvenile.add(Counter({1: truth["juvenile"]}), Counter({1: flagged}))
    _print(result)
    return result


def _print(result: Report) -> None:
    print("\nextraction quality on generate_ads(2000, seed=7)")
    for kind, tally in result.kinds.items():
        print(
            f"  {kind:8s} precision {tally.precision:.4f}  recall {tally.recall:.4f}  "
            f"(tp {tally.tp}, fp {tally.fp}, fn {tally.fn})"
        )
    for style, (found, total) in sorted(result.styles.items()):
        print(f"  phone style {style:14s} recall {found / total:.4f}  ({found}/{total})")
    juvenile = result.juvenile
    print(f"  juvenile precision {juvenile.precision:.4f}  recall {juvenile.recall:.4f}")


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_quality_floor_per_kind(report: Report, kind: str) -> None:
    precision, recall = FLOORS[kind]
    tally = report.kinds[kind]
    assert tally.precision >= precision
    assert tally.recall >= recall


@pytest.mark.slow
def test_quality_phone_recall_in_every_style(report: Report) -> None:
    assert set(report.styles) >= set(synth.PHONE_STYLES)
    low = {s: found / total for s, (found, total) in report.styles.items() if found < 0.98 * total}
    assert low == {}
