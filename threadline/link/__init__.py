"""Ads into networks: shared identifiers, reused templates and images; movement; statistics."""

from __future__ import annotations

from collections.abc import Iterable

from threadline.link._build import MAX_TEMPLATES, build_result
from threadline.link._images import hash_image
from threadline.link._result import LinkResult, NetworkSummary, SetAside
from threadline.link._state import LinkState
from threadline.link._templates import Template, TemplateSlot
from threadline.model import AdEvidence

__all__ = [
    "LinkResult",
    "LinkState",
    "NetworkSummary",
    "SetAside",
    "Template",
    "TemplateSlot",
    "hash_image",
    "link_ads",
]


def link_ads(
    evidence: Iterable[AdEvidence],
    state: LinkState | None = None,
    max_templates: int = MAX_TEMPLATES,
) -> LinkResult:
    """Link a batch of ads (into `state` when given, so it joins earlier batches).

    The result covers every ad the state holds; templates are described from the ads of
    this batch, the largest `max_templates` clusters first.
    """
    state = state if state is not None else LinkState()
    batch = list(evidence)
    state.add(batch)
    texts: dict[int, AdEvidence] = {}
    for item in batch:
        texts.setdefault(state.ads.index[item.ad_id], item)
    return build_result(state, texts, max_templates)
