"""Scripts: the shipped ones are valid; the safety rules refuse what they must."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from threadline.errors import InputError
from threadline.intercept import SHIPPED_SCRIPTS, resolve_script, script_problems, shipped_names


def shipped_text(name: str = "example-en") -> dict:  # type: ignore[type-arg]
    """The shipped script as a dict, to change one thing."""
    return yaml.safe_load(resolve_script(name)[1])


def test_two_example_scripts_ship_under_their_names() -> None:
    assert shipped_names() == ["example-en", "example-es"]
    assert [resolve_script(n)[0].language for n in shipped_names()] == ["en", "es"]


@pytest.mark.parametrize("path", SHIPPED_SCRIPTS, ids=lambda p: p.name)
def test_shipped_scripts_have_no_problems(path: Path) -> None:
    assert script_problems(path.read_text(encoding="utf-8")) == []


def _with(change: dict, name: str = "example-en") -> list[str]:  # type: ignore[type-arg]
    raw = shipped_text(name)
    for dotted, value in change.items():
        target = raw
        *parents, last = dotted.split(".")
        for key in parents:
            target = target[key]
        target[last] = value
    return script_problems(yaml.safe_dump(raw))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"replies.greeting.any": ["hi", "it is $150"]},
            "replies.greeting.any[1]: forbidden wording '$1'",
        ),
        (
            {"replies.greeting.any": ["hi", "incall only"]},
            "replies.greeting.any[0]: forbidden wording 'incall'".replace("[0]", "[1]"),
        ),
        (
            {"replies.ask_photos.any": ["see https://x.example/a", "no"]},
            "replies.ask_photos.any[0]: forbidden wording 'https://'",
        ),
        (
            {"replies.greeting.any": ["hi {name}", "hey"]},
            "replies.greeting.any[0]: no placeholders allowed",
        ),
        (
            {"replies.greeting.any": ["only one"]},
            "replies.greeting.any: needs at least 2 variants to rotate",
        ),
        (
            {"replies.opt_out": {"any": ["bye", "ok"]}},
            "replies.opt_out: nothing may be sent after an opt-out",
        ),
        (
            {"disclosure.replies": ["I am young", "really young"]},
            "disclosure: every reply must state the persona's age",
        ),
        ({"delay.min_seconds": 100}, "delay: min_seconds is above max_seconds"),
        (
            {"ending.after_messages": 9},
            "ending.after_messages: Input should be less than or equal to 8",
        ),
        (
            {"patterns.greeting.en": ["(unclosed"]},
            "patterns: Value error, greeting: bad pattern '(unclosed': "
            "missing ), unterminated subpattern at position 0",
        ),
        (
            {"replies.flirting": {"any": ["a", "b"]}},
            "replies: Value error, unknown intent 'flirting' (one of greeting, ask_price, "
            "ask_location, ask_age, ask_photos, are_you_cop, are_you_real, schedule, "
            "opt_out, other)",
        ),
        ({"surprise": 1}, "surprise: Extra inputs are not permitted"),
    ],
)
def test_script_problems_name_the_rule_broken(change: dict, problem: str) -> None:  # type: ignore[type-arg]
    assert problem in _with(change)


def test_missing_reply_for_an_intent_is_a_problem() -> None:
    raw = shipped_text()
    del raw["replies"]["ask_photos"]
    assert script_problems(yaml.safe_dump(raw)) == ["replies: no reply for intent 'ask_photos'"]


def test_not_yaml_is_one_problem() -> None:
    assert script_problems("a: [unclosed") == ["not YAML: while parsing a flow sequence"]


def test_resolve_unknown_script_names_the_shipped_ones() -> None:
    with pytest.raises(
        InputError, match="no-such: no such script \\(shipped: example-en, example-es\\)"
    ):
        resolve_script("no-such")
