"""Bot scripts: reviewed YAML files, validated by pydantic and by the safety rules."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from threadline.errors import InputError

SCRIPT_DIR = Path(__file__).parent / "scripts"
SHIPPED_SCRIPTS: tuple[Path, ...] = tuple(sorted(SCRIPT_DIR.glob("*.yaml")))
MAX_BUYER_MESSAGES = 8

Intent = Literal[
    "greeting",
    "ask_price",
    "ask_location",
    "ask_age",
    "ask_photos",
    "are_you_cop",
    "are_you_real",
    "schedule",
    "opt_out",
    "other",
]
INTENTS: tuple[str, ...] = Intent.__args__  # type: ignore[attr-defined]
STAGES = ("before_disclosure", "after_disclosure", "any")
FactKind = Literal["name", "zip", "place", "employer", "email", "phone"]

# Words no reviewed reply may contain: sexual terms, prices and sending media.
_FORBIDDEN = re.compile(
    r"(?i)\b(?:sex\w*|nude\w*|naked|explicit|bbbj|gfe|incall|outcall|roses|donations?|"
    r"\d+\s*(?:hh|hr|hour)s?)\b|\$\s*\d|https?://|\.(?:jpe?g|png|gif)\b"
)
_PLACEHOLDER = re.compile(r"[{}]")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Persona(_Strict):
    """Who the decoy says it is."""

    display_name: str = Field(min_length=1, max_length=40)
    stated_age: int = Field(ge=13, le=99)
    city: str = Field(min_length=1, max_length=80)


class Delay(_Strict):
    """A human-like pause before a reply, in seconds."""

    min_seconds: float = Field(ge=0, le=3600)
    max_seconds: float = Field(ge=0, le=3600)


class Disclosure(_Strict):
    """The optional step where the decoy states its age."""

    after_messages: int = Field(ge=1, le=MAX_BUYER_MESSAGES - 1)
    replies: tuple[str, ...] = Field(min_length=1)


class EndingMessage(_Strict):
    """One deterrence message: its text, its delay after the ending starts, its sender."""

    text: str = Field(min_length=1, max_length=1600)
    delay_seconds: float = Field(default=0, ge=0, le=86400)
    from_number: str | None = Field(default=None, pattern=r"^\+[1-9][0-9]{6,14}$")


class Ending(_Strict):
    """When the conversation ends, and the deterrence messages that end it."""

    after_messages: int = Field(ge=1, le=MAX_BUYER_MESSAGES)
    on_intents: tuple[Intent, ...] = ()
    min_messages: int = Field(default=1, ge=1, le=MAX_BUYER_MESSAGES)
    messages: tuple[EndingMessage, ...] = Field(min_length=1)


class Script(_Strict):
    """A whole reviewed script: every text the bot can send comes from here."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")
    version: int = Field(ge=1)
    language: Literal["en", "es"]
    reviewed_by: str = Field(min_length=1)
    reviewed_on: date
    campaign: str = Field(min_length=1, max_length=200)
    persona: Persona
    delay: Delay
    patterns: dict[str, dict[str, tuple[str, ...]]]
    replies: dict[str, dict[str, tuple[str, ...]]]
    disclosure: Disclosure | None = None
    capture: tuple[FactKind, ...] = ()
    ending: Ending
    _compiled: dict[str, re.Pattern[str]] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object, /) -> None:
        """Compile each intent's patterns once into one case-insensitive alternation."""
        for intent, by_language in self.patterns.items():
            joined = "|".join(f"(?:{p})" for group in by_language.values() for p in group)
            if joined:
                self._compiled[intent] = re.compile(joined, re.IGNORECASE)

    def matcher(self, intent: str) -> re.Pattern[str] | None:
        """The compiled patterns of one intent, or None when it has none."""
        return self._compiled.get(intent)

    def matchers(self) -> dict[str, re.Pattern[str]]:
        """Every intent's compiled patterns."""
        return self._compiled

    @field_validator("replies")
    @classmethod
    def _reply_keys(
        cls, value: dict[str, dict[str, tuple[str, ...]]]
    ) -> dict[str, dict[str, tuple[str, ...]]]:
        for intent, stages in value.items():
            _known(intent, INTENTS, "intent")
            for stage in stages:
                _known(stage, STAGES, f"{intent}: stage")
        return value

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(
        cls, value: dict[str, dict[str, tuple[str, ...]]]
    ) -> dict[str, dict[str, tuple[str, ...]]]:
        for intent, by_language in value.items():
            _known(intent, INTENTS, "intent")
            for language in by_language:
                _known(language, ("en", "es"), f"{intent}: language")
            for pattern in (p for group in by_language.values() for p in group):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"{intent}: bad pattern {pattern!r}: {exc}") from exc
        return value

    def texts(self) -> list[tuple[str, str]]:
        """Every text the bot can send, with where it sits in the script."""
        found = [
            (f"replies.{intent}.{stage}[{i}]", text)
            for intent, stages in self.replies.items()
            for stage, variants in stages.items()
            for i, text in enumerate(variants)
        ]
        if self.disclosure:
            found += [(f"disclosure[{i}]", t) for i, t in enumerate(self.disclosure.replies)]
        found += [(f"ending[{i}]", m.text) for i, m in enumerate(self.ending.messages)]
        return found


def _known(name: str, allowed: tuple[str, ...], what: str) -> None:
    if name not in allowed:
        raise ValueError(f"unknown {what} {name!r} (one of {', '.join(allowed)})")


@lru_cache(maxsize=64)
def parse_script(text: str) -> Script:
    """A script from its YAML text; InputError naming the first problem."""
    problems = script_problems(text)
    if problems:
        raise InputError(f"invalid script: {problems[0]}")
    return Script.model_validate(yaml.safe_load(text))


def script_problems(text: str) -> list[str]:
    """Every problem with a script's YAML text: schema first, then the safety rules."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [f"not YAML: {str(exc).splitlines()[0]}"]
    try:
        script = Script.model_validate(raw)
    except ValidationError as exc:
        return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return safety_problems(script)


def safety_problems(script: Script) -> list[str]:
    """Breaches of the rules no reviewed script may break."""
    problems = [f"{where}: forbidden wording {m.group(0)!r}" for where, m in _forbidden(script)]
    problems += [
        f"{where}: no placeholders allowed" for where, t in script.texts() if _PLACEHOLDER.search(t)
    ]
    problems += _structure_problems(script)
    return problems


def _forbidden(script: Script) -> list[tuple[str, re.Match[str]]]:
    found = ((where, _FORBIDDEN.search(text)) for where, text in script.texts())
    return [(where, match) for where, match in found if match]


def _structure_problems(script: Script) -> list[str]:
    problems = [
        f"replies.{intent}.{stage}: needs at least 2 variants to rotate"
        for intent, stages in script.replies.items()
        for stage, variants in stages.items()
        if len(variants) < 2
    ]
    problems += [f"replies: no reply for intent {i!r}" for i in _unanswered(script)]
    if "opt_out" in script.replies:
        problems.append("replies.opt_out: nothing may be sent after an opt-out")
    if script.delay.min_seconds > script.delay.max_seconds:
        problems.append("delay: min_seconds is above max_seconds")
    if script.disclosure and str(script.persona.stated_age) not in " ".join(
        script.disclosure.replies
    ):
        problems.append("disclosure: every reply must state the persona's age")
    return problems


def _unanswered(script: Script) -> list[str]:
    return [
        i
        for i in INTENTS
        if i != "opt_out"
        and "any" not in script.replies.get(i, {})
        and not {"before_disclosure", "after_disclosure"} <= set(script.replies.get(i, {}))
    ]


def validate_script_file(path: Path) -> list[str]:
    """Problems with one script file (empty when it is valid), for `threadline validate`."""
    try:
        return script_problems(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return [f"cannot read: {exc}"]


def resolve_script(name_or_path: str) -> tuple[Script, str]:
    """A shipped script by name (`example-en`) or a file by path, with its YAML text."""
    shipped = SCRIPT_DIR / f"{name_or_path}.yaml"
    path = shipped if shipped.is_file() else Path(name_or_path)
    if not path.is_file():
        raise InputError(f"{name_or_path}: no such script (shipped: {', '.join(shipped_names())})")
    text = path.read_text(encoding="utf-8")
    return parse_script(text), text


def shipped_names() -> list[str]:
    """Names of the scripts that ship with Threadline."""
    return [path.stem for path in SHIPPED_SCRIPTS]


def script_digest(text: str) -> str:
    """SHA-256 of a script's YAML text."""
    return hashlib.sha256(text.encode()).hexdigest()
