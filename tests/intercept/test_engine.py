"""The conversation engine: intents, opt-out, rotation, disclosure, deterrence, timing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.intercept import OPT_OUT_WORDS, State, classify, is_opt_out, resolve_script, step

EN, _ = resolve_script("example-en")
ES, _ = resolve_script("example-es")
T0 = datetime(2026, 11, 1, 20, 0, tzinfo=UTC)


def run(bodies: list[str], scale: float = 0.0, script=EN) -> list:  # type: ignore[no-untyped-def]
    """Feed messages one minute apart; the steps in order."""
    state, steps = State("seed-1"), []
    for index, body in enumerate(bodies):
        result = step(state, body, script, T0 + timedelta(minutes=index), scale)
        steps.append(result)
        state = result.state
    return steps


@pytest.mark.parametrize(
    ("body", "intent"),
    [
        ("hey there", "greeting"),
        ("Hola, qué tal", "greeting"),
        ("how much for an hour?", "ask_price"),
        ("¿Cuánto?", "ask_price"),
        ("where are you located", "ask_location"),
        ("¿dónde estás?", "ask_location"),
        ("how old are you", "ask_age"),
        ("¿qué edad tienes?", "ask_age"),
        ("send a pic", "ask_photos"),
        ("mándame fotos", "ask_photos"),
        ("are you a cop?", "are_you_cop"),
        ("eres policía?", "are_you_cop"),
        ("is this real", "are_you_real"),
        ("are you available tonight", "schedule"),
        ("nos vemos mañana", "schedule"),
        ("the weather is nice", "other"),
        ("", "other"),
        ("STOP", "opt_out"),
        ("alto", "opt_out"),
        ("please stop", "opt_out"),
        ("Stop texting me", "opt_out"),
        ("see you at the end of the day", "other"),
    ],
)
def test_classify_intents_in_english_and_spanish(body: str, intent: str) -> None:
    assert classify(body, EN) == intent


@pytest.mark.parametrize("word", sorted(OPT_OUT_WORDS))
def test_every_opt_out_word_is_recognized_in_any_case(word: str) -> None:
    assert [is_opt_out(word), is_opt_out(word.lower()), is_opt_out(f"  {word.title()}! ")] == [
        True,
        True,
        True,
    ]


@pytest.mark.parametrize("body", ["opt out", "Opt-Out", "PARAR.", "párar", "cancel please"])
def test_opt_out_spellings(body: str) -> None:
    assert is_opt_out(body)


def test_opt_out_ends_the_conversation_and_nothing_more_is_sent() -> None:
    steps = run(["hi", "STOP", "hello?", "are you there"])
    assert [len(s.outbound) for s in steps] == [1, 0, 0, 0]
    assert steps[1].flags == ("opted_out",)
    assert [s.state.status for s in steps] == ["active", "opted_out", "opted_out", "opted_out"]


def test_full_conversation_reaches_deterrence_with_exact_lines() -> None:
    steps = run(["hi", "how much", "my name is Sam", "where are you", "ok", "what time tomorrow"])
    keys = [[o.reply_key for o in s.outbound] for s in steps]
    assert keys == [
        ["replies.greeting.any[0]"],
        ["replies.ask_price.any[0]"],
        ["disclosure[0]"],
        ["replies.ask_location.any[0]"],
        ["replies.other.any[0]"],
        ["ending[0]", "ending[1]", "ending[2]"],
    ]
    assert steps[2].flags == ("disclosed",)
    assert steps[3].flags == ("continued_after_disclosure",)
    assert steps[5].flags == ("continued_after_disclosure", "reached_deterrence")
    assert steps[5].state.status == "ended"


def test_messages_after_deterrence_get_no_reply_and_are_flagged() -> None:
    steps = run(["a", "b", "c", "d", "e", "f", "g"])
    assert steps[5].state.status == "ended"
    assert steps[6].outbound == ()
    assert steps[6].flags == ("contact_after_deterrence",)


def test_asking_age_triggers_the_disclosure_at_once() -> None:
    steps = run(["hi", "how old are you?"])
    assert steps[1].outbound[0].kind == "disclosure"
    assert "16" in steps[1].outbound[0].text


def test_rotation_never_sends_the_same_text_twice_in_a_row() -> None:
    steps = run(["hi", "hello", "hey", "yo"], script=EN)
    texts = [s.outbound[0].text for s in steps[:2]]
    assert texts == ["hey, who is this?", "hi, how did you get my number?"]
    every = [o.text for s in steps for o in s.outbound]
    assert all(a != b for a, b in pairwise(every))


def test_delays_are_scaled_ordered_and_deterministic() -> None:
    first = run(["hi", "how much", "ok", "a", "b", "c"], scale=1.0)
    again = run(["hi", "how much", "ok", "a", "b", "c"], scale=1.0)
    assert [o.send_at for s in first for o in s.outbound] == [
        o.send_at for s in again for o in s.outbound
    ]
    delay = first[0].outbound[0].send_at - T0
    assert timedelta(seconds=20) <= delay <= timedelta(seconds=90)
    ending = [o.send_at for o in first[5].outbound]
    assert ending == sorted(ending)
    assert len(set(ending)) == 3


def test_scale_zero_sends_everything_at_the_message_time() -> None:
    steps = run(["a", "b", "c", "d", "e", "f"], scale=0.0)
    assert {o.send_at for s in steps for o in s.outbound} == {
        T0 + timedelta(minutes=i) for i in range(6)
    }


def test_state_round_trips_through_json() -> None:
    state = run(["hi", "how much", "my name is Sam"], scale=1.0)[-1].state
    assert State.from_json(state.to_json()) == state


def test_facts_are_captured_from_buyer_messages() -> None:
    result = run(["me llamo Luis, trabajo en Acme Foods"], script=ES)[0]
    assert [(f.kind, f.value) for f in result.facts] == [
        ("name", "Luis"),
        ("employer", "Acme Foods"),
    ]


@settings(max_examples=60, deadline=None)
@given(bodies=st.lists(st.text(max_size=80), min_size=8, max_size=8), spanish=st.booleans())
def test_any_buyer_reaches_deterrence_within_eight_messages(
    bodies: list[str], spanish: bool
) -> None:
    steps = run(bodies, script=ES if spanish else EN)
    ended = [s for s in steps if "reached_deterrence" in s.flags]
    opted = [s for s in steps if "opted_out" in s.flags]
    assert len(ended) == 1 or opted
    for result in steps:
        assert all(o.text for o in result.outbound)
