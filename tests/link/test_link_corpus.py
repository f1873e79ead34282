"""Quality floors on the synthetic corpus: evidence straight from `_truth`, scored against it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.link.corpus import bcubed, evidence_from_truth, generate, pairwise
from threadline.link import LinkResult, LinkState, link_ads
from threadline.model import AdEvidence

N_ADS = 3000
SEED = 7
SITE_PHONES = {f"+1800555010{i}" for i in range(5)}

Corpus = tuple[list[dict[str, Any]], list[AdEvidence], LinkResult]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """3,000 ads with images, linked once for every test of this module."""
    images = tmp_path_factory.mktemp("corpus") / "images"
    records = generate(N_ADS, SEED, images)
    hashes: dict[str, str] = {}
    evidence = [evidence_from_truth(r, images.parent, hashes) for r in records]
    return records, evidence, link_ads(evidence)


def _truth(records: list[dict[str, Any]]) -> dict[str, str]:
    return {r["id"]: r["_truth"]["network"] for r in records}


def test_pairwise_precision_and_recall_meet_the_floor(corpus: Corpus) -> None:
    records, _, result = corpus
    precision, recall = pairwise(_truth(records), result.network_of())
    assert precision >= 0.97
    assert recall >= 0.95


def test_bcubed_f1_meets_the_floor(corpus: Corpus) -> None:
    records, _, result = corpus
    assert bcubed(_truth(records), result.network_of())[2] >= 0.95


def test_site_numbers_are_set_aside_and_merge_no_networks(corpus: Corpus) -> None:
    records, _, result = corpus
    assert {s.value for s in result.set_aside if s.kind == "phone"} <= SITE_PHONES
    assert {s.value for s in result.set_aside} == {
        r["_truth"]["site_phone"] for r in records if r["_truth"]["site_phone"]
    }
    truth = _truth(records)
    found: defaultdict[str, set[str]] = defaultdict(set)
    for ad, network in result.network_of().items():
        found[network].add(truth[ad])
    assert max(len(networks) for networks in found.values()) == 1


def _template_labels(result: LinkResult) -> dict[str, set[str]]:
    return {m.ad_id: {v.label() for v in m.via if v.kind == "template"} for m in result.memberships}


def test_templates_link_ads_whose_phones_differ(corpus: Corpus) -> None:
    records, evidence, result = corpus
    phones = {
        e.ad_id: {v for k, v in e.identifiers if k == "phone"} - SITE_PHONES for e in evidence
    }
    templates = _template_labels(result)
    network = result.network_of()
    by_truth: defaultdict[str, list[str]] = defaultdict(list)
    for ad, truth in _truth(records).items():
        by_truth[truth].append(ad)
    joined = {
        truth
        for truth, ads in by_truth.items()
        for a in ads
        for b in ads
        if phones[a].isdisjoint(phones[b])
        and network[a] == network[b]
        and templates[a] & templates[b]
    }
    assert len(joined) >= 10


def test_ads_placed_by_template_alone_sit_with_their_own_network(corpus: Corpus) -> None:
    records, _, result = corpus
    truth = _truth(records)
    members: defaultdict[str, set[str]] = defaultdict(set)
    for m in result.memberships:
        members[m.network_id].add(truth[m.ad_id])
    alone = [m for m in result.memberships if m.via and {v.kind for v in m.via} == {"template"}]
    assert len(alone) >= 10
    assert all(members[m.network_id] == {truth[m.ad_id]} for m in alone)


def test_image_vias_join_ads_of_one_network(corpus: Corpus) -> None:
    records, _, result = corpus
    truth = _truth(records)
    by_image: defaultdict[str, set[str]] = defaultdict(set)
    for member in result.memberships:
        for via in member.via:
            if via.kind == "image":
                by_image[via.value].add(truth[member.ad_id])
    assert len(by_image) >= 50
    assert max(len(networks) for networks in by_image.values()) == 1


def test_incremental_batches_give_the_batch_partition(corpus: Corpus) -> None:
    _, evidence, result = corpus
    state = LinkState()
    link_ads(evidence[: N_ADS // 2], state, max_templates=0)
    incremental = link_ads(evidence[N_ADS // 2 :], state, max_templates=0).network_of()
    assert incremental == result.network_of()


@pytest.mark.slow
def test_end_to_end_through_extract_meets_the_floor(tmp_path: Path) -> None:
    """Records through threadline.extract (as `threadline link` does), then linking."""
    pytest.importorskip("threadline.extract")
    from threadline.cli.link import _extractor, evidence_from_record

    extract = _extractor()
    assert extract is not None
    images = tmp_path / "images"
    records = generate(2000, SEED, images)
    for record in records:
        for image in record["images"]:
            image["path"] = str(images.parent / image["path"])
    evidence = [evidence_from_record(r, extract, "US") for r in records]
    found = link_ads(evidence, max_templates=0).network_of()
    precision, recall = pairwise(_truth(records), found)
    assert precision >= 0.97
    assert recall >= 0.95
    assert bcubed(_truth(records), found)[2] >= 0.95
