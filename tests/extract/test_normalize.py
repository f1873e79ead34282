"""Normalization: what the text becomes, and that every span maps back to the original."""

from __future__ import annotations

import pytest

from threadline.extract import normalize


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("7O2-FIVE5FIVE-o1two3", "702-555-0123"),
        ("nine1seven fivefive5 zero166", "917 555 0166"),
        ("seven oh two", "7 0 2"),
        ("cinco cinco cinco", "5 5 5"),
        ("sev3n 0h tw0 f1ve f0ur", "7 0 2 5 4"),
        ("𝟓𝟓𝟓 ①②③ ５５５", "555 123 555"),
        ("❶❷❸ ⓿", "123 0"),
        ("7️⃣0️⃣2️⃣", "702"),
        ("7\u200b0\u200d2\ufeff", "702"),
        ("Ѕ 7О2", "S 702"),  # Cyrillic letters become Latin; О in a digit run becomes 0
        ("yоung", "young"),  # Cyrillic о inside an English word
        ("cafÃ© hi", "café hi"),  # mojibake repaired
        ("age: twenty one", "age: 21"),
        ("age: thirty-two", "age: 32"),
        ("edad: diecinueve", "edad: 19"),
        ("hi -- there...  x", "hi - there. x"),
        ("someone phone done", "someone phone done"),  # number words only as whole words
        ("one two girls", "one two girls"),  # too few digits to be a number
        ("I love you", "I love you"),  # a lone look-alike letter stays a letter
        ("we ate at 8", "we ate at 8"),  # `ate` is 8 only beside a number
        ("oh my", "oh my"),
        ("“quoted” — dash", '"quoted" - dash'),
        ("", ""),
    ],
)
def test_normalize_text(text: str, normalized: str) -> None:
    assert normalize(text).text == normalized


@pytest.mark.parametrize(
    ("text", "fragment", "original"),
    [
        ("call 7O2-FIVE5FIVE-o1two3 now", "702-555-0123", "7O2-FIVE5FIVE-o1two3"),
        ("a 7️⃣0️⃣2️⃣ b", "702", "7️⃣0️⃣2️⃣"),
        ("x seven oh two y", "7 0 2", "seven oh two"),
        ("cafÃ© 702", "702", "702"),
        ("cafÃ© 702", "café", "cafÃ©"),
        ("age: twenty one!", "21", "twenty one"),
        ("𝟕𝟎𝟐 ok", "702", "𝟕𝟎𝟐"),
    ],
)
def test_normalize_span_maps_back_to_the_original(text: str, fragment: str, original: str) -> None:
    normalized = normalize(text)
    start = normalized.text.index(fragment)
    begin, end = normalized.span(start, start + len(fragment))
    assert text[begin:end] == original


def test_normalize_lower_keeps_positions() -> None:
    normalized = normalize("Ana İstanbul")  # İ lowers to two characters
    assert len(normalized.lower) == len(normalized.text)
