"""A LinkResult from the linking state: memberships, network table, templates, set-asides."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from threadline.link._groups import Groups
from threadline.link._mask import mask_tokens
from threadline.link._result import LinkResult, NetworkSummary, SetAside, stable_id
from threadline.link._state import LinkState
from threadline.link._templates import Template, describe
from threadline.model import AdEvidence, LinkKind, Membership, Via

TEMPLATE_SAMPLE = 8  # members aligned to show a template; more adds time, not insight
MAX_TEMPLATES = 1000


def build_result(
    state: LinkState, texts: Mapping[int, AdEvidence], max_templates: int = MAX_TEMPLATES
) -> LinkResult:
    """The full result for every ad in the state; templates drawn from ads in `texts`."""
    return LinkResult(
        memberships=tuple(membership(state, ad) for ad in range(len(state.ads))),
        networks=network_summaries(state),
        templates=templates(state, texts, max_templates),
        set_aside=set_asides(state),
    )


def network_id(state: LinkState, ad: int) -> str:
    """The stable id of an ad's network."""
    return stable_id("N", state.network_label(state.network_root(ad)))


def template_id(state: LinkState, root: int) -> str:
    """The stable id of a template group."""
    return stable_id("T", state.templates.label(root))


def membership(state: LinkState, ad: int) -> Membership:
    """An ad's network and every piece of evidence it shares with others there."""
    return Membership(state.ads.ids[ad], network_id(state, ad), tuple(vias(state, ad)))


def vias(state: LinkState, ad: int) -> Iterator[Via]:
    """Shared evidence of one ad that is not set aside: identifiers, template, images."""
    for item in state.ads.keys[ad]:
        if _joins(state, state.identifiers, item):
            kind, _, value = state.identifiers.label(item).partition(":")
            yield Via(LinkKind(kind), value)
    if state.is_indexed(ad) and _joins(state, state.templates, ad):
        yield Via(LinkKind.TEMPLATE, template_id(state, state.templates.root(ad)))
    seen: set[int] = set()
    for item in state.ads.images[ad]:
        root = state.images.root(item)
        if root not in seen and _joins(state, state.images, item):
            seen.add(root)
            yield Via(LinkKind.IMAGE, state.images.label(root))


def _joins(state: LinkState, groups: Groups, item: int) -> bool:
    root = groups.root(item)
    return groups.linked(root) and not state.rule.is_set_aside(groups, root)


def network_summaries(state: LinkState) -> tuple[NetworkSummary, ...]:
    """Networks of two or more ads, largest first, then by id."""
    members: defaultdict[int, list[int]] = defaultdict(list)
    for ad in range(len(state.ads)):
        members[state.network_root(ad)].append(ad)
    summaries = [_summary(state, ads) for ads in members.values() if len(ads) > 1]
    return tuple(sorted(summaries, key=lambda s: (-len(s.ads), s.id)))


def _summary(state: LinkState, ads: list[int]) -> NetworkSummary:
    table = state.ads
    times = [t for t in (table.times[ad] for ad in ads) if t is not None]
    labels = [v.label() for ad in ads for v in vias(state, ad)]
    return NetworkSummary(
        id=network_id(state, ads[0]),
        ads=tuple(sorted(table.ids[ad] for ad in ads)),
        identifiers=_sorted(_identifier_labels(state, ads)),
        names=_sorted(name for ad in ads for name in table.names[ad]),
        cities=_sorted(city for ad in ads if (city := table.cities[ad])),
        first_seen=min(times, default=None),
        last_seen=max(times, default=None),
        max_risk=max(table.risk[ad] for ad in ads),
        juvenile_ads=tuple(sorted(table.ids[ad] for ad in ads if table.juvenile[ad])),
        templates=_sorted(x.partition(":")[2] for x in labels if x.startswith("template:")),
        images=_sorted(x.partition(":")[2] for x in labels if x.startswith("image:")),
    )


def _identifier_labels(state: LinkState, ads: list[int]) -> Iterator[str]:
    for ad in ads:
        for item in state.ads.keys[ad]:
            if not state.rule.is_set_aside(state.identifiers, item):
                yield state.identifiers.label(item)


def _sorted(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


def set_asides(state: LinkState) -> tuple[SetAside, ...]:
    """Every group the spread rule sets aside, widest first."""
    found = [
        _set_aside(state, groups, root)
        for groups in state.groups()
        for root in state.rule.set_aside.get(groups.kind, ())
    ]
    return tuple(sorted(found, key=lambda s: (-s.spread, s.kind, s.value)))


def _set_aside(state: LinkState, groups: Groups, root: int) -> SetAside:
    ads = set(groups.ads(root))
    cities = len({state.ads.cities[ad] for ad in ads} - {None})
    kind, value = _kind_value(state, groups, root)
    spread, threshold = groups.spread(root), state.rule.threshold
    reason = (
        f"{kind} {value} co-occurs with {spread} distinct other identifiers in {len(ads)} ads "
        f"across {cities} cities; the corpus norm (90th percentile) is "
        f"{state.rule.norm:g} and the threshold {threshold}"
    )
    return SetAside(kind, value, len(ads), cities, spread, threshold, reason)


def _kind_value(state: LinkState, groups: Groups, root: int) -> tuple[str, str]:
    if groups is state.templates:
        return "template", template_id(state, root)
    if groups is state.images:
        return "image", groups.label(root)
    kind, _, value = groups.label(root).partition(":")
    return kind, value


def templates(
    state: LinkState, texts: Mapping[int, AdEvidence], limit: int
) -> tuple[Template, ...]:
    """Templates of the largest linked text clusters that have members in `texts`."""
    groups = state.templates
    roots = sorted(groups.linked_roots(), key=lambda r: (-len(set(groups.ads(r))), r))
    found: list[Template] = []
    for root in roots:
        if len(found) >= limit:
            break
        sample = [texts[ad] for ad in groups.ads(root) if ad in texts][:TEMPLATE_SAMPLE]
        if len(sample) > 1:
            tokens = [mask_tokens(e.text, e.names, e.city) for e in sample]
            size = len(set(groups.ads(root)))
            found.append(describe(template_id(state, root), size, tokens))
    return tuple(found)
