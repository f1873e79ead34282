"""The conversation engine: (state, message, script, clock) → (state, replies, facts, flags).

Pure and deterministic: the only randomness (reply delays) comes from a generator seeded by
the conversation's seed and the message count, so a replay gives the same answer.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from threadline.intercept._capture import capture
from threadline.intercept._script import Script
from threadline.model import Finding

OPT_OUT_WORDS = frozenset(
    {"STOP", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "STOPALL", "REVOKE", "OPTOUT", "ALTO", "PARAR"}
)
# Checked in this order; the first intent whose patterns match wins.
PRIORITY = (
    "are_you_cop",
    "are_you_real",
    "ask_age",
    "ask_photos",
    "ask_price",
    "ask_location",
    "schedule",
    "greeting",
)
ACTIVE, ENDED, OPTED_OUT = "active", "ended", "opted_out"
MAX_CLASSIFY_CHARS = 1600
_WORDS = re.compile(r"[A-Z]+")
_ORDER_GAP = timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class Outbound:
    """One text to send: reviewed wording, when, which script line, and from which number."""

    text: str
    send_at: datetime
    reply_key: str  # "replies.greeting.any[1]", "disclosure[0]", "ending[2]"
    kind: str  # "reply" | "disclosure" | "deterrence"
    from_number: str | None = None  # None: the campaign's decoy number


@dataclass(frozen=True, slots=True)
class State:
    """What the engine remembers of one conversation between messages."""

    seed: str
    status: str = ACTIVE
    inbound: int = 0
    disclosed_after: int = 0  # buyer messages before the age disclosure; 0 = not disclosed
    last_reply: str = ""
    rotation: tuple[tuple[str, int], ...] = ()
    last_send_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict for the conversation row."""
        return {
            "seed": self.seed,
            "status": self.status,
            "inbound": self.inbound,
            "disclosed_after": self.disclosed_after,
            "last_reply": self.last_reply,
            "rotation": dict(self.rotation),
            "last_send_at": self.last_send_at.isoformat() if self.last_send_at else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        """The state a `to_json` dict describes."""
        sent = data.get("last_send_at")
        return cls(
            seed=str(data["seed"]),
            status=str(data.get("status", ACTIVE)),
            inbound=int(data.get("inbound", 0)),
            disclosed_after=int(data.get("disclosed_after", 0)),
            last_reply=str(data.get("last_reply", "")),
            rotation=tuple(sorted(dict(data.get("rotation", {})).items())),
            last_send_at=datetime.fromisoformat(sent) if sent else None,
        )


@dataclass(frozen=True, slots=True)
class Step:
    """The engine's answer to one inbound message."""

    state: State
    intent: str
    outbound: tuple[Outbound, ...]
    facts: tuple[Finding, ...]
    flags: tuple[str, ...]


def step(state: State, body: str, script: Script, now: datetime, delay_scale: float = 1.0) -> Step:
    """Advance one conversation by one buyer message."""
    intent = classify(body, script)
    facts = capture(body, script.capture)
    if state.status == OPTED_OUT:
        return Step(state, intent, (), facts, ())
    if intent == "opt_out":
        return Step(replace(state, status=OPTED_OUT), intent, (), facts, ("opted_out",))
    if state.status == ENDED:
        return Step(state, intent, (), facts, ("contact_after_deterrence",))
    counted = replace(state, inbound=state.inbound + 1)
    flags = ("continued_after_disclosure",) if state.disclosed_after else ()
    if _ends(counted.inbound, intent, script):
        ended = _deterrence(counted, script, now, delay_scale)
        return Step(ended[0], intent, ended[1], facts, (*flags, "reached_deterrence"))
    if _discloses(counted, intent, script):
        new_state, out = _disclose(counted, script, now, delay_scale)
        return Step(new_state, intent, (out,), facts, (*flags, "disclosed"))
    new_state, out = _reply(counted, intent, script, now, delay_scale)
    return Step(new_state, intent, (out,), facts, flags)


def classify(body: str, script: Script) -> str:
    """The buyer's intent: opt-out first (fixed words), then the script's patterns."""
    if is_opt_out(body):
        return "opt_out"
    text = body[:MAX_CLASSIFY_CHARS]
    matchers = script.matchers()
    for intent in PRIORITY:
        matcher = matchers.get(intent)
        if matcher is not None and matcher.search(text):
            return intent
    return "other"


def is_opt_out(body: str) -> bool:
    """True when the first or last word is an opt-out word (STOP, ALTO, …), any case/accents."""
    decomposed = unicodedata.normalize("NFKD", body[:MAX_CLASSIFY_CHARS])
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    words = _WORDS.findall(plain.replace("OPT OUT", "OPTOUT").replace("OPT-OUT", "OPTOUT"))
    return bool(words) and (words[0] in OPT_OUT_WORDS or words[-1] in OPT_OUT_WORDS)


def _ends(count: int, intent: str, script: Script) -> bool:
    ending = script.ending
    return count >= ending.after_messages or (
        intent in ending.on_intents and count >= ending.min_messages
    )


def _discloses(state: State, intent: str, script: Script) -> bool:
    disclosure = script.disclosure
    if disclosure is None or state.disclosed_after:
        return False
    return state.inbound >= disclosure.after_messages or intent == "ask_age"


def _reply(
    state: State, intent: str, script: Script, now: datetime, scale: float
) -> tuple[State, Outbound]:
    stages = script.replies[intent]
    stage = "after_disclosure" if state.disclosed_after else "before_disclosure"
    stage = stage if stage in stages else "any"
    key = f"replies.{intent}.{stage}"
    return _rotated(state, key, stages[stage], "reply", script, now, scale)


def _disclose(state: State, script: Script, now: datetime, scale: float) -> tuple[State, Outbound]:
    assert script.disclosure is not None
    disclosed = replace(state, disclosed_after=state.inbound)
    return _rotated(
        disclosed, "disclosure", script.disclosure.replies, "disclosure", script, now, scale
    )


def _rotated(
    state: State,
    key: str,
    variants: tuple[str, ...],
    kind: str,
    script: Script,
    now: datetime,
    scale: float,
) -> tuple[State, Outbound]:
    # Rotation never repeats the previous text, even across intents that share a wording.
    rotation = dict(state.rotation)
    index = rotation.get(key, 0) % len(variants)
    if variants[index] == state.last_reply and len(variants) > 1:
        index = (index + 1) % len(variants)
    rotation[key] = index + 1
    send_at = _after(state, now + _delay(state, script, scale), scale)
    out = Outbound(variants[index], send_at, f"{key}[{index}]", kind)
    new_state = replace(
        state, rotation=tuple(sorted(rotation.items())), last_reply=out.text, last_send_at=send_at
    )
    return new_state, out


def _deterrence(
    state: State, script: Script, now: datetime, scale: float
) -> tuple[State, tuple[Outbound, ...]]:
    sent: list[Outbound] = []
    last = state.last_send_at
    for index, message in enumerate(script.ending.messages):
        due = _after_time(last, now + timedelta(seconds=message.delay_seconds * scale), scale)
        sent.append(
            Outbound(message.text, due, f"ending[{index}]", "deterrence", message.from_number)
        )
        last = due
    ended = replace(state, status=ENDED, last_reply=sent[-1].text, last_send_at=last)
    return ended, tuple(sent)


def _delay(state: State, script: Script, scale: float) -> timedelta:
    # Not for secrecy: a seeded generator makes the human-like delays reproducible.
    generator = random.Random(f"{state.seed}/{state.inbound}")  # noqa: S311
    seconds = generator.uniform(script.delay.min_seconds, script.delay.max_seconds)
    return timedelta(seconds=seconds * scale)


def _after(state: State, due: datetime, scale: float) -> datetime:
    return _after_time(state.last_send_at, due, scale)


def _after_time(last: datetime | None, due: datetime, scale: float) -> datetime:
    # Replies go out in the order they were decided, whatever their random delays; with no
    # delays at all (scale 0) they all go at once, in the webhook's response, in list order.
    if scale == 0 or last is None or due > last:
        return due
    return last + _ORDER_GAP
