"""What arrives from a gateway and what the service answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OK, DUPLICATE, UNKNOWN_NUMBER, IGNORED = "ok", "duplicate", "unknown_number", "ignored"


@dataclass(frozen=True, slots=True)
class Intake:
    """One inbound SMS as a gateway parsed it."""

    provider: str  # "twilio" | "telnyx" | "vonage" | "json"
    provider_message_id: str
    from_number: str
    to_number: str
    body: str
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply sent inside the webhook's own response."""

    text: str
    from_number: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """How the service handled one inbound message."""

    status: str  # OK | DUPLICATE | UNKNOWN_NUMBER | IGNORED
    inline: tuple[Reply, ...] = ()
    queued: int = 0
    conversation_id: int | None = None
