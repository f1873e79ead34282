"""What linking returns: memberships with their vias, networks, templates, set-aside evidence."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from threadline.link._templates import Template
from threadline.model import Membership


def stable_id(prefix: str, smallest_ad_id: str) -> str:
    """An id that depends only on the smallest member ad id, so re-runs give the same ids."""
    return prefix + hashlib.blake2b(smallest_ad_id.encode(), digest_size=5).hexdigest()


@dataclass(frozen=True, slots=True)
class SetAside:
    """Evidence spread over too many unrelated ads to link them, and why."""

    kind: str  # phone | email | handle | image | template
    value: str
    ads: int
    cities: int
    spread: int  # distinct other identifiers co-occurring with it
    threshold: int
    reason: str


@dataclass(frozen=True, slots=True)
class NetworkSummary:
    """One network: its ads and what they have in common."""

    id: str
    ads: tuple[str, ...]
    identifiers: tuple[str, ...]  # `kind:value` labels, set-aside identifiers excluded
    names: tuple[str, ...]
    cities: tuple[str, ...]
    first_seen: datetime | None
    last_seen: datetime | None
    max_risk: float
    juvenile_ads: tuple[str, ...]
    templates: tuple[str, ...]
    images: tuple[str, ...]

    def to_record(self) -> dict[str, Any]:
        """The JSON object of the `--summary` table."""
        return {
            "network": self.id,
            "size": len(self.ads),
            "ads": list(self.ads),
            "identifiers": list(self.identifiers),
            "names": list(self.names),
            "cities": list(self.cities),
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "max_risk": self.max_risk,
            "juvenile_ads": list(self.juvenile_ads),
            "templates": list(self.templates),
            "images": list(self.images),
        }


@dataclass(frozen=True, slots=True)
class LinkResult:
    """Every ad's membership and via, the networks of two or more ads, templates, set-asides."""

    memberships: tuple[Membership, ...]
    networks: tuple[NetworkSummary, ...]
    templates: tuple[Template, ...]
    set_aside: tuple[SetAside, ...]

    def network_of(self) -> dict[str, str]:
        """Ad id -> network id."""
        return {m.ad_id: m.network_id for m in self.memberships}
