"""Networks of ads and the evidence that joins them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class LinkKind(StrEnum):
    """What joined two ads."""

    PHONE = "phone"
    EMAIL = "email"
    HANDLE = "handle"
    IMAGE = "image"
    TEMPLATE = "template"
    FACE = "face"


@dataclass(frozen=True, slots=True)
class Via:
    """One reason an ad belongs to its network: the shared identifier, template or image."""

    kind: LinkKind
    value: str  # "+17025550142", "tpl:8f3a...", "img:ab12..."

    def label(self) -> str:
        """`kind:value`, as shown in the console and in JSON output."""
        return f"{self.kind.value}:{self.value}"


@dataclass(frozen=True, slots=True)
class Membership:
    """An ad's place in a network and every piece of evidence that put it there."""

    ad_id: str
    network_id: str
    via: tuple[Via, ...]


@dataclass(frozen=True, slots=True)
class AdEvidence:
    """What linking needs to know about one ad, whatever produced it."""

    ad_id: str
    text: str  # the ad's text, for template links
    # ("phone", "+17025550142"), ("email", "ana@example.com"), ("handle", "kik:ana")
    identifiers: tuple[tuple[str, str], ...] = ()
    image_hashes: tuple[str, ...] = ()  # perceptual hashes as hex
    names: tuple[str, ...] = ()  # names the ad uses ("Ana")
    city: str | None = None
    region: str | None = None
    posted_at: datetime | None = None
    risk_score: float = 0.0
    juvenile: bool = False
