"""Linking partitioned over an executor gives exactly what `link_ads` gives in one process."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.link.corpus import evidence_from_truth, generate
from threadline.link import LinkResult, NetworkSummary, link_ads
from threadline.link._result import stable_id
from threadline.model import AdEvidence
from threadline.pipeline import Executor, LocalExecutor
from threadline.pipeline._dask import DaskExecutor
from threadline.pipeline._partitioned import link_partitioned, prepare
from threadline.pipeline._partitioned._components import components
from threadline.pipeline._partitioned._routing import owners, shuffle, split_pairs

SITE_PHONE = "702-555-0100"  # printed in ads of many unrelated networks: must be set aside


@dataclass(frozen=True)
class Outcome:
    """What linking decided, in the terms both ways of linking share."""

    networks: dict[str, str]  # ad id -> network id
    vias: dict[str, tuple[str, ...]]  # ads in networks of two or more -> via labels
    summaries: dict[str, NetworkSummary]
    set_aside: int


def _expected(evidence: list[AdEvidence]) -> Outcome:
    result: LinkResult = link_ads(evidence)
    vias = {m.ad_id: tuple(v.label() for v in m.via) for m in result.memberships}
    summaries = {s.id: s for s in result.networks}
    in_networks = {ad for s in summaries.values() for ad in s.ads}
    return Outcome(
        result.network_of(),
        {ad: via for ad, via in vias.items() if ad in in_networks},
        summaries,
        len(result.set_aside),
    )


def _partitioned(run: Executor, evidence: list[AdEvidence], size: int, shards: int) -> Outcome:
    starts = list(range(0, len(evidence), size))
    parts = [run.submit(prepare, evidence[s : s + size], range(s, s + size)) for s in starts]
    linked = link_partitioned(run, parts, starts, shards)
    labels = [label for handle in linked.labels for label in handle.result()]
    found = [item for handle in linked.networks for item in handle.result()]
    return Outcome(
        {e.ad_id: stable_id("N", label) for e, label in zip(evidence, labels, strict=True)},
        {ad: via for _, vias in found for ad, via in vias.items()},
        {summary.id: summary for summary, _ in found},
        linked.set_aside,
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[AdEvidence]:
    """2,000 synthetic ads: shared phones, reused templates and reposted images."""
    images = tmp_path_factory.mktemp("corpus") / "images"
    hashes: dict[str, str] = {}
    return [evidence_from_truth(r, images.parent, hashes) for r in generate(2000, 7, images)]


@pytest.fixture(scope="module")
def expected(corpus: list[AdEvidence]) -> Outcome:
    return _expected(corpus)


@pytest.mark.parametrize(
    ("size", "shards"), [(2000, 1), (700, 3), (450, 5), (128, 4)], ids=["one", "3x3", "5x5", "16x4"]
)
def test_partitions_give_the_networks_vias_and_summaries_of_link_ads(
    corpus: list[AdEvidence], expected: Outcome, size: int, shards: int
) -> None:
    found = _partitioned(LocalExecutor(), corpus, size, shards)
    assert found == expected


def test_the_corpus_links_by_every_kind_of_evidence(expected: Outcome) -> None:
    kinds = {via.partition(":")[0] for vias in expected.vias.values() for via in vias}
    assert kinds == {"phone", "email", "handle", "template", "image"}
    assert expected.set_aside == 4  # the sites' own numbers
    assert len(expected.summaries) == 186


def _identifier_evidence(seed: int = 5, count: int = 3000) -> list[AdEvidence]:
    """Ads of small networks (shared phones, emails, handles) and one site-wide number.

    Texts are too short to be templates and there are no images: only identifiers link.
    Ads are shuffled so that networks span partitions and need the boundary merge.
    """
    rng = random.Random(seed)
    ads: list[AdEvidence] = []
    for number in range(count):
        network = rng.randrange(600)
        found = [("phone", f"{network % 900 + 100}-555-01{network % 100:02d}")]
        if rng.random() < 0.3:
            found.append(("email", f"Net{network}@Example.com"))
        if rng.random() < 0.2:
            found.append(("handle", f"kik:@net{rng.randrange(900)}"))
        if rng.random() < 0.1:
            found.append(("phone", SITE_PHONE))
        ads.append(AdEvidence(f"ad-{number:05d}", "hi", tuple(found)))
    rng.shuffle(ads)
    return ads


def test_a_site_number_is_set_aside_by_the_whole_corpus_not_one_partition() -> None:
    ads = _identifier_evidence()
    expected = _expected(ads)
    assert _partitioned(LocalExecutor(), ads, 700, 3) == expected
    assert expected.set_aside == 1
    assert all(f"phone:{SITE_PHONE}" not in via for via in expected.vias.values())
    alone = _partitioned(LocalExecutor(), ads[:60], 20, 2)
    assert alone.set_aside == 0  # 60 ads: too few networks beside the number to tell


@pytest.fixture(scope="module")
def dask() -> Iterator[DaskExecutor]:
    executor = DaskExecutor(None, workers=2)
    yield executor
    executor.close()


@pytest.mark.slow
def test_dask_partitions_give_the_networks_of_link_ads(
    corpus: list[AdEvidence], expected: Outcome, dask: DaskExecutor
) -> None:
    assert _partitioned(dask, corpus, 450, 4) == expected


def _components(
    edges: Sequence[tuple[int, int]], starts: list[int], labels: dict[int, str]
) -> dict[int, tuple[str, int]]:
    """Components over nodes 0..9 owned by ranges from `starts`; each edge goes to the owner
    of its first end. Returns node -> (component label, component size)."""
    run = LocalExecutor()
    first = np.asarray(starts, np.int64)
    nodes = np.arange(10, dtype=np.int64)
    a = np.asarray([x for x, _ in edges], np.int64)
    b = np.asarray([y for _, y in edges], np.int64)
    owned = []
    for owner in range(len(starts)):
        mine = nodes[owners(first, nodes) == owner]
        at = owners(first, a) == owner
        owned.append(run.put((mine, [labels[int(n)] for n in mine], (a[at], b[at]))))
    found = [h.result() for h in components(run, owned, lambda n: owners(first, n))]
    return {
        int(node): (label, int(size))
        for part in found
        for node, label, size in zip(part.nodes, part.labels, part.sizes, strict=True)
    }


def test_components_join_across_owners_and_take_the_smallest_label() -> None:
    labels = {n: f"ad-{9 - n}" for n in range(10)}  # the last node has the smallest label
    # 0-1 inside owner 0; 1-4 and 4-9 across; 5-6 inside owner 1; 7 and 8 alone
    edges = [(1, 0), (4, 1), (9, 4), (6, 5)]
    found = _components(edges, [0, 3, 7], labels)
    assert found == {
        0: ("ad-0", 4),
        1: ("ad-0", 4),
        2: ("ad-7", 1),
        3: ("ad-6", 1),
        4: ("ad-0", 4),
        5: ("ad-3", 2),
        6: ("ad-3", 2),
        7: ("ad-2", 1),
        8: ("ad-1", 1),
        9: ("ad-0", 4),
    }


def test_components_of_one_owner_need_no_merge() -> None:
    found = _components([(3, 2), (9, 3)], [0], {n: f"n{n}" for n in range(10)})
    assert {n: v for n, v in found.items() if v[1] > 1} == {
        2: ("n2", 3),
        3: ("n2", 3),
        9: ("n2", 3),
    }


def test_owners_and_split_pairs_route_by_range() -> None:
    starts = np.asarray([0, 10, 25], np.int64)
    numbers = np.asarray([0, 9, 10, 24, 25, 99], np.int64)
    assert owners(starts, numbers).tolist() == [0, 0, 1, 1, 2, 2]
    pairs = (np.asarray([5, 6, 7, 8], np.int64), np.asarray([30, 1, 12, 2], np.int64))
    split = split_pairs(pairs, owners(starts, pairs[1]), 3)
    assert [(a.tolist(), b.tolist()) for a, b in split] == [
        ([6, 8], [1, 2]),
        ([7], [12]),
        ([5], [30]),
    ]


def test_shuffle_gives_each_shard_its_piece_of_every_output() -> None:
    run = LocalExecutor()
    outputs = [run.submit(list, ["a0", "a1"]), run.submit(list, ["b0", "b1"])]
    regrouped = shuffle(run, outputs, 2)
    assert [[h.result() for h in shard] for shard in regrouped] == [["a0", "b0"], ["a1", "b1"]]


def test_prepare_keeps_what_linking_reads_and_lets_the_text_go(tmp_path: Path) -> None:
    text = "Sweet girl new in town call me tonight for a good time honey"
    ads = [
        AdEvidence(
            "x1", text, (("phone", " +17025550142 "), ("email", "A@B.example")), ("FF" * 8,)
        ),
        AdEvidence("x2", "hi", (("phone", "+17025550142"), ("phone", "+17025550142"))),
    ]
    part = prepare(ads, [10, 11])
    assert part.labels == (("phone:+17025550142", "email:a@b.example"), ("phone:+17025550142",))
    assert part.images == (("ff" * 8,), ())
    assert part.indexed.tolist() == [0]  # "hi" is too short to be a template
    assert [a.text for a in part.ads] == ["", ""]
    assert part.signatures_of(np.asarray([10], np.int64)).shape == (1, 64)


_WORDS = [f"w{i}" for i in range(40)]
_BASES = [_WORDS[i : i + 12] for i in (0, 10, 25)]  # three templates, partly overlapping


@st.composite
def _ads(draw: st.DrawFn) -> list[AdEvidence]:
    """A few dozen ads drawing on small pools, so that every kind of link occurs."""
    count = draw(st.integers(1, 50))
    ads: list[AdEvidence] = []
    for number in range(count):
        phones = draw(st.lists(st.integers(0, 15), max_size=2))
        words = list(_BASES[draw(st.integers(0, 2))])
        for _ in range(draw(st.integers(0, 6))):  # a few words changed: near, not equal
            words[draw(st.integers(0, 11))] = draw(st.sampled_from(_WORDS))
        text = " ".join(words) if draw(st.booleans()) else "hi"
        origins = st.sampled_from([0x0F0F, 0xF0F0F0F0, 0xFFFF0000FF])
        images = [  # 64-bit hashes: a flip of up to 8 bits is near (7 or fewer) or not
            f"{draw(origins) ^ draw(st.integers(0, 255)):016x}"
            for _ in range(draw(st.integers(0, 2)))
        ]
        identifiers = tuple(("phone", f"+1702555{p:04d}") for p in phones)
        ads.append(AdEvidence(f"ad{number:03d}", text, identifiers, tuple(images)))
    return ads


@settings(max_examples=40, deadline=None)
@given(ads=_ads(), size=st.integers(1, 20), shards=st.integers(1, 4))
def test_any_cutting_of_any_small_corpus_gives_the_networks_of_link_ads(
    ads: list[AdEvidence], size: int, shards: int
) -> None:
    assert _partitioned(LocalExecutor(), ads, size, shards) == _expected(ads)
