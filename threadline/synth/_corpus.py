"""The corpus stream: networks' ads merged in posting order, each with its `_truth`."""

from __future__ import annotations

import heapq
import os
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from threadline.errors import InputError
from threadline.synth import _lexicon as lex
from threadline.synth._choice import Choice, choose, city_at
from threadline.synth._images import ImageStore
from threadline.synth._places import City
from threadline.synth._plan import PERIOD_DAYS, Network, plan_networks
from threadline.synth._render import AdWriter, Compiled, Facts, compile_template, write_ad
from threadline.synth._rng import seeded
from threadline.synth._templates import Needs, build_template


def period_end(seed: int) -> datetime:
    """The end of the posting period: a fixed date chosen by the seed, never the clock."""
    return datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=seeded(seed, "end").randrange(280))


def generate_ads(
    n: int, seed: int, image_dir: Path | None, *, relative_to: Path | None = None
) -> Iterator[dict[str, Any]]:
    """`n` ad records with `_truth`, the same for the same `n` and `seed`.

    Images are written under `image_dir` (none when it is None) and their record paths are
    relative to `relative_to` (default: the folder above `image_dir`).
    """
    if n < 0:
        raise InputError("the number of ads must not be negative")
    networks = plan_networks(n, seed)
    store = _image_store(image_dir, relative_to, seed)
    stream = _Stream(networks, seed, store, width=max(6, len(str(n))))
    return stream.ads()


def _image_store(image_dir: Path | None, relative_to: Path | None, seed: int) -> ImageStore | None:
    """Where images go and the prefix that makes their paths relative."""
    if image_dir is None:
        return None
    base = relative_to if relative_to is not None else image_dir.parent
    prefix = Path(os.path.relpath(image_dir, base)).as_posix() + "/"
    return ImageStore(image_dir, "" if prefix == "./" else prefix, seed)


class _Stream:
    """Merges the networks' ads by posting time; memory grows with networks, not ads."""

    def __init__(self, networks: list[Network], seed: int, store: ImageStore | None, width: int):
        self.networks = networks
        self.seed = seed
        self.store = store
        self.width = width
        self.rng = seeded(seed, "ads")
        self.start = period_end(seed) - timedelta(days=PERIOD_DAYS)
        self.templates: dict[str, Compiled] = {}

    def ads(self) -> Iterator[dict[str, Any]]:
        """Records in posting order."""
        heap = [(self._time(net), net.index) for net in self.networks if net.size]
        heapq.heapify(heap)
        count = 0
        while heap:
            at, index = heapq.heappop(heap)
            net = self.networks[index]
            count += 1
            yield self._ad(net, at, f"A{count:0{self.width}d}")
            net.emitted += 1
            if net.emitted < net.size:
                heapq.heappush(heap, (self._time(net), index))
            else:
                self._forget(net)

    def _time(self, net: Network) -> float:
        """The posting time of the network's next ad: spread evenly over its window."""
        share = (net.emitted + self.rng.random()) / net.size
        return net.start + net.span * share

    def _forget(self, net: Network) -> None:
        """Drop a finished network's templates and evidence: memory follows live networks."""
        for template_id in net.template_ids:
            self.templates.pop(template_id, None)
        net.seen.clear()

    def _template(self, net: Network, index: int) -> Compiled:
        """The compiled template, built on first use and dropped when its network is done."""
        template_id = net.template_ids[index]
        compiled = self.templates.get(template_id)
        if compiled is None:
            needs = Needs(net.kind, len(net.handles), len(net.emails), bool(net.phones))
            compiled = compile_template(build_template(template_id, needs, self.seed), net.prices)
            self.templates[template_id] = compiled
        return compiled

    def _ad(self, net: Network, at: float, ad_id: str) -> dict[str, Any]:
        """One record and its truth."""
        rng = self.rng
        choice = choose(net, rng)
        city = city_at(net, at, rng)
        posted = self.start + timedelta(seconds=at)
        writer, title_end = write_ad(
            self._template(net, choice.template), _facts(net, choice, city, posted, rng), rng
        )
        # Each template is written for one site: networks cross-post, a template rarely does.
        site = (net.site + choice.template) % len(lex.SITES)
        domain, phone, _, phone_lead = lex.SITES[site]
        post_id = _post_id(rng)
        site_phone = phone if phone_lead else None
        writer.site_footer(site, post_id)
        text = writer.text()
        images = self._images(choice.images)
        return {
            "id": ad_id,
            "site": domain,
            "url": f"https://{domain}/{city.slug}/{post_id}",
            "title": text[:title_end],
            "body": text[title_end + 1 :],
            "posted_at": posted.isoformat(timespec="seconds"),
            "city": city.name,
            "region": city.region,
            "country": "US",
            "images": images,
            "_truth": _truth(net, choice, writer, site_phone, images),
        }

    def _images(self, chosen: list[tuple[str, str]]) -> list[dict[str, str]]:
        """The record's image entries, files written on first use (none without a folder)."""
        if self.store is None:
            return []
        return [self.store.get(origin, transform) for origin, transform in chosen]


def _post_id(rng: random.Random) -> str:
    """A site's post number: mostly ten digits, so it looks like a phone number but is not."""
    if rng.random() >= 0.7:
        return str(10_000_000 + int(rng.random() * 990_000_000))
    digits = str(1_000_000_000 + int(rng.random() * 9_000_000_000))
    # Never NNN-555-01XX: read as a phone, a post id must not hit a network's number.
    return digits[:3] + "4" + digits[4:] if digits[3:8] == "55501" else digits


def _facts(net: Network, choice: Choice, city: City, posted: datetime, rng: random.Random) -> Facts:
    """What fills this ad's slots."""
    return Facts(
        name=choice.persona.name,
        age=choice.persona.age,
        city=city,
        zip=rng.choice(city.zips),
        phone=choice.phone,
        alt_phone=choice.alt_phone,
        handles=choice.handles,
        emails=choice.emails,
        date=_us_date(posted.toordinal() + int(rng.random() * 11)),
    )


@cache
def _us_date(ordinal: int) -> str:
    """A day as US ads write it, `12/05/2026` (cached: a corpus spans a few months)."""
    return date.fromordinal(ordinal).strftime("%m/%d/%Y")


def _truth(
    net: Network,
    choice: Choice,
    writer: AdWriter,
    site_phone: str | None,
    images: list[dict[str, str]],
) -> dict[str, Any]:
    """The `_truth` object of docs/truth.md, plus names, places, negatives, template_only."""
    found = writer.truth
    return {
        "network": net.id,
        "network_kind": net.kind,
        "template": net.template_ids[choice.template],
        "phones": found["phones"],
        "emails": found["emails"],
        "handles": found["handles"],
        "ages": found["ages"],
        "prices": found["prices"],
        "indicators": found["indicators"],
        "site_phone": site_phone,
        "juvenile": any(age["value"] < 18 for age in found["ages"]),
        "images": [{"origin": o, "transform": t} for o, t in choice.images] if images else [],
        "names": found["names"],
        "places": found["places"],
        "negatives": found["negatives"],
        "template_only": choice.template_only,
    }
