"""Per-ad choices within a network: persona, template, phones, handles, images, place."""

from __future__ import annotations

import random
from dataclasses import dataclass

from threadline.synth._images import transforms_for
from threadline.synth._places import CITIES, City
from threadline.synth._plan import Network, Persona
from threadline.synth._rng import sample

_TEMPLATE_ONLY_RATE = 0.05  # trafficking ads from a burner phone that share nothing else
_IMAGE_COUNTS = {"trafficking": (0, 1, 1, 2, 2, 3), "independent": (0, 1, 1, 2), "spammer": (0, 1)}


@dataclass(slots=True)
class Choice:
    """What one ad of a network uses; `template` indexes the network's templates."""

    template: int
    persona: Persona
    phone: str | None
    alt_phone: str | None
    handles: tuple[tuple[str, str] | None, ...]
    emails: tuple[str | None, ...]
    images: list[tuple[str, str]]
    template_only: bool = False

    def keys(self, net: Network) -> list[str]:
        """The phones and template this ad shares with others of its network.

        Handles, emails and images are shared too, but phones and templates alone are
        enough to keep every network connected, and checking fewer keys is faster.
        """
        template = net.template_ids[self.template]
        if self.template_only:
            return [template]
        return [key for key in (template, self.phone, self.alt_phone) if key]


def choose(net: Network, rng: random.Random) -> Choice:
    """The next ad's choices; every ad shares evidence with an earlier ad of its network."""
    persona = net.personas[int(rng.random() * len(net.personas))]
    if _template_only(net, rng):
        choice = _burner_choice(net, persona, rng)
    else:
        choice = _usual_choice(net, persona, rng)
    keys = choice.keys(net)
    if net.emitted and not any(key in net.seen for key in keys):
        # Nothing in common yet (a new phone and a new template): fall back on a known template.
        choice.template = rng.choice(net.seen_templates)
        keys = choice.keys(net)
    net.seen.update(keys)
    if choice.template not in net.seen_templates:
        net.seen_templates.append(choice.template)
    return choice


def _template_only(net: Network, rng: random.Random) -> bool:
    """Whether this ad comes from a burner phone and shares only its template."""
    if net.kind != "trafficking" or not net.emitted or net.burners_used >= len(net.burners):
        return False
    return rng.random() < _TEMPLATE_ONLY_RATE


def _burner_choice(net: Network, persona: Persona, rng: random.Random) -> Choice:
    """An ad with a fresh burner phone, no handle, email or image, a known template."""
    burner = net.burners[net.burners_used]
    net.burners_used += 1
    return Choice(
        template=rng.choice(net.seen_templates),
        persona=persona,
        phone=burner,
        alt_phone=None,
        handles=tuple(None for _ in net.handles),
        emails=tuple(None for _ in net.emails),
        images=[],
        template_only=True,
    )


def _usual_choice(net: Network, persona: Persona, rng: random.Random) -> Choice:
    """An ad with the phone of the moment, some handles, emails and images."""
    phone, alt = _phones(net, rng)
    keep_handle = 0.85 if net.phones else 1.0
    return Choice(
        template=int(rng.random() * len(net.template_ids)),
        persona=persona,
        phone=phone,
        alt_phone=alt,
        handles=tuple(h if rng.random() < keep_handle else None for h in net.handles),
        emails=tuple(e if rng.random() < 0.8 else None for e in net.emails),
        images=_images(net, rng),
    )


def _phones(net: Network, rng: random.Random) -> tuple[str | None, str | None]:
    """The phone of the network's current era (numbers rotate over time), maybe a second."""
    count = len(net.phones)
    if not count:
        return None, None
    era = min(count - 1, net.emitted * count // net.size)
    if rng.random() < 0.15:
        era = max(0, min(count - 1, era + rng.choice((-1, 1))))
    phone = net.phones[era]
    alt = rng.choice(net.phones) if count > 1 and rng.random() < 0.1 else None
    return phone, None if alt == phone else alt


def _images(net: Network, rng: random.Random) -> list[tuple[str, str]]:
    """Up to three of the network's pictures, each with its repost transform."""
    if not net.origins:
        return []
    counts = _IMAGE_COUNTS[net.kind]
    count = min(len(net.origins), counts[int(rng.random() * len(counts))])
    return [(origin, _transform(origin, rng)) for origin in sample(rng, net.origins, count)]


def _transform(origin: str, rng: random.Random) -> str:
    """How a picture is reposted: as it is, or one of its origin's variants."""
    return "none" if rng.random() < 0.4 else rng.choice(transforms_for(origin)[1:])


def city_at(net: Network, at: float, rng: random.Random) -> City:
    """Where the network posts at time `at`: spammers anywhere on their list, others in turn."""
    if net.kind == "spammer":
        return CITIES[rng.choice(net.stops)[1]]
    offset = at - net.start
    while net.stop_at + 1 < len(net.stops) and net.stops[net.stop_at + 1][0] <= offset:
        net.stop_at += 1
    return CITIES[net.stops[net.stop_at][1]]
