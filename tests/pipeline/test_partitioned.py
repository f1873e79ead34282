"""Identifier networks linked per partition with a boundary merge equal `link_ads`' networks."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from threadline.link import link_ads
from threadline.model import AdEvidence
from threadline.pipeline import LocalExecutor
from threadline.pipeline._dask import DaskExecutor
from threadline.pipeline._partitioned import partitioned_networks

SITE_PHONE = "702-555-0100"  # printed in ads of many unrelated networks: must be set aside
ADS = 3000
PARTITION = 700  # five partitions, the last one short


def _evidence(seed: int = 5) -> list[AdEvidence]:
    """Ads of small networks (shared phones, emails, handles) and one site-wide number.

    Texts are too short to be templates and there are no images: only identifiers link.
    Ads are shuffled so that networks span partitions and need the boundary merge.
    """
    rng = random.Random(seed)
    ads: list[AdEvidence] = []
    for number in range(ADS):
        network = rng.randrange(600)
        found: list[tuple[str, str]] = [
            ("phone", f"{network % 900 + 100}-555-01{network % 100:02d}")
        ]
        if rng.random() < 0.3:
            found.append(("email", f"Net{network}@Example.com"))
        if rng.random() < 0.2:
            found.append(("handle", f"kik:@net{rng.randrange(900)}"))
        if rng.random() < 0.1:
            found.append(("phone", SITE_PHONE))
        ads.append(AdEvidence(f"ad-{number:05d}", "hi", tuple(found)))
    rng.shuffle(ads)
    return ads


def _partitions(ads: list[AdEvidence]) -> list[list[AdEvidence]]:
    return [ads[start : start + PARTITION] for start in range(0, len(ads), PARTITION)]


@pytest.fixture(scope="module")
def ads() -> list[AdEvidence]:
    return _evidence()


@pytest.fixture(scope="module")
def expected(ads: list[AdEvidence]) -> dict[str, str]:
    return link_ads(ads).network_of()


def test_local_partitions_give_the_link_ads_networks(
    ads: list[AdEvidence], expected: dict[str, str]
) -> None:
    merged = partitioned_networks(LocalExecutor(), _partitions(ads))
    assert merged.networks == expected
    assert merged.rule is not None
    assert merged.rule.set_aside == frozenset({f"phone:{SITE_PHONE}"})
    assert len(merged.rule.boundary) > 100  # most networks span partitions


def test_phone_hub_without_set_aside_would_join_everything(ads: list[AdEvidence]) -> None:
    """The global rule matters: one partition alone would not set the site number aside."""
    alone = partitioned_networks(LocalExecutor(), [ads[:60]])
    assert alone.rule is not None
    assert alone.rule.set_aside == frozenset()


@pytest.fixture(scope="module")
def dask() -> Iterator[DaskExecutor]:
    executor = DaskExecutor(None, workers=2)
    yield executor
    executor.close()


@pytest.mark.slow
def test_dask_partitions_give_the_link_ads_networks(
    ads: list[AdEvidence], expected: dict[str, str], dask: DaskExecutor
) -> None:
    merged = partitioned_networks(dask, _partitions(ads))
    assert merged.networks == expected
    assert len(set(expected.values())) == len(set(merged.networks.values()))
