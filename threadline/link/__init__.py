"""Ads into networks: shared identifiers, reused templates and images; movement; statistics."""

from __future__ import annotations

from collections.abc import Iterable

from threadline.link._build import MAX_TEMPLATES, build_result, membership
from threadline.link._images import MAX_DISTANCE as IMAGE_MAX_DISTANCE
from threadline.link._images import hash_image
from threadline.link._movement import (
    Circuit,
    Flow,
    Movement,
    Stop,
    circuits,
    city_flows,
    itinerary,
    network_movements,
    phone_movements,
)
from threadline.link._result import LinkResult, NetworkSummary, SetAside
from threadline.link._state import LinkState, Signatures
from threadline.link._stats import (
    Concentration,
    CorpusStats,
    concentration,
    console_lines,
    corpus_stats,
    gini,
    language,
    lorenz,
    term_counts,
    weekly_volume,
)
from threadline.link._templates import Template, TemplateSlot
from threadline.link._texts import RestoredTexts, TextStore
from threadline.model import AdEvidence, Membership

__all__ = [
    "IMAGE_MAX_DISTANCE",
    "Circuit",
    "Concentration",
    "CorpusStats",
    "Flow",
    "LinkResult",
    "LinkState",
    "Movement",
    "NetworkSummary",
    "SetAside",
    "Signatures",
    "Stop",
    "Template",
    "TemplateSlot",
    "TextStore",
    "circuits",
    "city_flows",
    "concentration",
    "console_lines",
    "corpus_stats",
    "gini",
    "hash_image",
    "itinerary",
    "language",
    "link_ads",
    "lorenz",
    "network_movements",
    "phone_movements",
    "place_ad",
    "term_counts",
    "weekly_volume",
]


def link_ads(
    evidence: Iterable[AdEvidence],
    state: LinkState | None = None,
    max_templates: int = MAX_TEMPLATES,
    signatures: Signatures | None = None,
    texts: TextStore | None = None,
) -> LinkResult:
    """Link a batch of ads (into `state` when given, so it joins earlier batches).

    `signatures` are the batch's template signatures when computed ahead, on a cluster's
    workers (`Signatures.of` per partition, then `Signatures.joined`); they must cover every
    ad of the batch. The result is the same either way. With `texts`, the evidence comes
    without its texts (`TextStore.keep`), which the store holds compactly; signatures must
    then be given.

    The result covers every ad the state holds; templates are described from the ads of
    this batch, the largest `max_templates` clusters first. Network and template ids derive
    from their smallest member ad id, so they are the same on every run.
    """
    if texts is not None and signatures is None:
        raise ValueError("evidence without its texts needs the signatures computed ahead")
    state = state if state is not None else LinkState()
    if texts is not None:
        state.add(evidence, signatures)
        return build_result(state, RestoredTexts(state, texts), max_templates)
    batch = list(evidence)
    state.add(batch, signatures)
    by_number: dict[int, AdEvidence] = {}
    for item in batch:
        by_number.setdefault(state.ads.index[item.ad_id], item)
    return build_result(state, by_number, max_templates)


def place_ad(evidence: AdEvidence, state: LinkState) -> Membership:
    """Add one ad to an existing state and return its membership (the fast incremental path)."""
    state.add([evidence])
    return membership(state, state.ads.index[evidence.ad_id])
