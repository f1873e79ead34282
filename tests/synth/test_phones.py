"""Phone styles: the exact text each deterministic style writes for one number."""

from __future__ import annotations

import random

import pytest

from tests.synth.truthcheck import decode_phone
from threadline.synth import PHONE_STYLES
from threadline.synth._phones import render_phone

NUMBER = "+17025550142"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("spaced", "7 0 2 5 5 5 0 1 4 2"),
        ("bracketed", "(7)(0)(2) 5 5 5 . 0 1 4 2"),
        ("hashed", "#702#555#01#42"),
        ("words_es", "siete cero dos cinco cinco cinco cero uno cuatro dos"),
        ("leet_words", "sev3n z3ro tw0 f1ve f1ve f1ve z3ro 0ne f0ur tw0"),
        ("emoji", "7️⃣0️⃣2️⃣5️⃣5️⃣5️⃣0️⃣1️⃣4️⃣2️⃣"),
        ("enclosed", "⑦⓪②⑤⑤⑤⓪①④②"),
        ("fullwidth", "７０２－５５５－０１４２"),
        ("math", "𝟕𝟎𝟐 𝟓𝟓𝟓 𝟎𝟏𝟒𝟐"),
        ("split_lines", "702\n555\n0142"),
    ],
)
def test_render_phone_writes_the_style(style: str, expected: str) -> None:
    assert render_phone(NUMBER, style, random.Random(0)) == expected


@pytest.mark.parametrize("style", PHONE_STYLES)
def test_render_phone_text_spells_the_number(style: str) -> None:
    rng = random.Random(3)
    texts = {render_phone(NUMBER, style, rng) for _ in range(20)}
    assert {decode_phone(text, style) for text in texts} == {"7025550142"}


def test_obscured_styles_vary_but_keep_their_marks() -> None:
    rng = random.Random(5)
    homoglyphs = {render_phone(NUMBER, "homoglyph", rng) for _ in range(30)}
    assert len(homoglyphs) > 5
    assert all(not text.replace("-", "").isdigit() for text in homoglyphs)
    mixed = [render_phone(NUMBER, "mixed_words", rng) for _ in range(30)]
    assert all(any(c.isdigit() for c in t) and any(c.isalpha() for c in t) for t in mixed)
    words = {render_phone(NUMBER, "words_en", rng) for _ in range(30)}
    assert {w.replace("oh", "zero") for w in words} == {
        "seven zero two five five five zero one four two"
    }
    assert any("oh" in w for w in words)
