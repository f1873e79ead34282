"""Masking: identifiers, names, prices, cities and numbers become slots before shingling."""

import pytest

from threadline.link._mask import mask_tokens, masked_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call 702-555-0142 now", ["call", "<phone>", "now"]),
        ("seven oh two five five five zero one four two", ["<phone>"]),
        ("siete cero dos cinco cinco cinco cero uno cuatro dos", ["<phone>"]),
        ("７０２－５５５－０１４２ ok", ["<phone>", "ok"]),
        ("7O2-555-Ol42", ["<num>", "ol", "<num>"]),  # look-alike letters split the run
        ("⑦⓪②⑤⑤⑤⓪①④②", ["<phone>"]),
        ("only 2 left", ["only", "<num>", "left"]),
        ("the one for you", ["the", "one", "for", "you"]),
        ("$200/hr or 300 roses", ["<price>", "hr", "or", "<price>"]),
        ("200🌹 hh", ["<price>", "hh"]),
        ("mail ana.b (at) gmail dot com", ["mail", "<email>"]),
        ("ana.b@gmail.com", ["<email>"]),
        ("snap: ana_b", ["snap", "<handle>"]),
        ("follow @kitty_x", ["follow", "<handle>"]),
        ("see www.example.com/x", ["see", "<url>"]),
        ("🍒 sweet", ["🍒", "sweet"]),
    ],
)
def test_mask_tokens_masks_slots(text: str, expected: list[str]) -> None:
    assert [t.masked for t in mask_tokens(text)] == expected


def test_mask_tokens_masks_names_and_city_and_keeps_originals() -> None:
    tokens = mask_tokens("Hi I'm Ana, new in Las Vegas", names=["Ana"], city="Las Vegas")
    assert [t.masked for t in tokens] == ["hi", "i", "m", "<name>", "new", "in", "<city>"]
    assert [t.original for t in tokens if t.slot] == ["ana", "las vegas"]


def test_masked_words_fences_slots_and_keeps_number_words() -> None:
    words = masked_words("Ana: call 702-555-0142, seven oh two, $200/hr", ["Ana"], None)
    assert words == [
        "\ue000name\ue001",
        "call",
        "\ue000phone\ue001",
        "seven",
        "oh",
        "two",
        "\ue000price\ue001",
        "hr",
    ]
