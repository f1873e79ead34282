"""Linking measured on the synthetic corpus: AdEvidence straight from `_truth`, and the scores."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from threadline.link import hash_image
from threadline.model import AdEvidence, parse_time
from threadline.synth import generate_ads


def generate(n: int, seed: int, image_dir: Path | None) -> list[dict[str, Any]]:
    """Synthetic ad records with `_truth` (images under image_dir when given)."""
    return list(
        generate_ads(n, seed, image_dir, relative_to=image_dir.parent if image_dir else None)
    )


def evidence_from_truth(
    record: dict[str, Any], base: Path | None, hashes: dict[str, str] | None = None
) -> AdEvidence:
    """What linking needs, taken from the truth (the site's number included, as an extractor
    would find it) and from hashing the record's image files (cached by path in `hashes`)."""
    hashes = {} if hashes is None else hashes
    truth = record["_truth"]
    identifiers = [("phone", p["value"]) for p in truth["phones"]]
    if truth.get("site_phone"):
        identifiers.append(("phone", truth["site_phone"]))
    identifiers += [("email", e["value"]) for e in truth["emails"]]
    identifiers += [("handle", f"{h['service']}:{h['handle']}") for h in truth["handles"]]
    images = tuple(
        hashes.get(i["path"]) or hashes.setdefault(i["path"], hash_image(base / i["path"]))
        for i in record.get("images", ())
        if base
    )
    text = "\n".join(x for x in (record.get("title"), record.get("body")) if x)
    return AdEvidence(
        ad_id=record["id"],
        text=text,
        identifiers=tuple(identifiers),
        image_hashes=images,
        city=record.get("city"),
        region=record.get("region"),
        posted_at=parse_time(record.get("posted_at")),
    )


def _pairs(sizes: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pairwise(truth: Mapping[str, str], found: Mapping[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of co-membership."""
    both = _pairs(Counter((truth[a], found[a]) for a in truth))
    predicted = _pairs(Counter(found[a] for a in truth))
    actual = _pairs(Counter(truth.values()))
    return (both / predicted if predicted else 1.0, both / actual if actual else 1.0)


def bcubed(truth: Mapping[str, str], found: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1."""
    by_truth: defaultdict[str, set[str]] = defaultdict(set)
    by_found: defaultdict[str, set[str]] = defaultdict(set)
    for ad in truth:
        by_truth[truth[ad]].add(ad)
        by_found[found[ad]].add(ad)
    precision = recall = 0.0
    for ad in truth:
        common = len(by_truth[truth[ad]] & by_found[found[ad]])
        precision += common / len(by_found[found[ad]])
        recall += common / len(by_truth[truth[ad]])
    precision, recall = precision / len(truth), recall / len(truth)
    return precision, recall, 2 * precision * recall / (precision + recall)
