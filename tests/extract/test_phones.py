"""Phones: every obfuscation style to E.164, and what only looks like a phone refused."""

from __future__ import annotations

import pytest

from tests.extract.conftest import Run
from threadline.extract import normalize
from threadline.extract.phones import extract_phones, phone_style

N = "+17025550142"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # plain
        ("call 702-555-0142 now", [N]),
        ("(702) 555-0142", [N]),
        ("702.555.0142", [N]),
        ("7025550142", [N]),
        ("1-702-555-0142", [N]),
        ("1 (702) 555-0142", [N]),
        # international
        ("+1 702 555 0142", [N]),
        ("+1-702-555-0142", [N]),
        ("+1 (702) 555-0142", [N]),
        ("+17025550142", [N]),
        ("+44 20 7946 0958", ["+442079460958"]),
        # spaced and bracketed
        ("7 0 2 5 5 5 0 1 4 2", [N]),
        ("(7)(0)(2) 5 5 5 . 0 1 4 2", [N]),
        ("(3)(1)(2) 5 5 5 . 0 1 4 4", ["+13125550144"]),
        # hashed
        ("#702#555#01#42", [N]),
        ("#617#555#01#88", ["+16175550188"]),
        # words, English and Spanish
        ("seven oh two five five five zero one four two", [N]),
        ("seven zero two five five five oh one four two", [N]),
        ("Seven Oh Two Five Five Five Zero One Four Two", [N]),
        ("seven oh two five five five zero one ate ate", ["+17025550188"]),  # `ate` for 8
        ("seven o two five five five o one four two", [N]),  # `o` for 0
        ("sevn zeero two fiv fiv fiv zero one for two", []),  # `for` is not a number word
        ("sevn zeero two fiv fiv fiv zero one fuor two", [N]),  # misspelled words
        ("siete cero dos cinco cinco cinco cero uno cuatro dos", [N]),
        ("cinco cinco cinco: siete cero dos cinco cinco cinco cero uno cuatro dos", [N]),
        # mixed words and digits
        ("nine1seven fivefive5 zero166", ["+19175550166"]),
        ("7O2-FIVE5FIVE-o1two3", ["+17025550123"]),
        ("seven0two-555-zero1four2", [N]),
        ("SEVEN02 FIVE55 0ONE42", [N]),
        # leetspeak words
        ("sev3n 0h tw0 f1ve f1ve f1ve z3ro 0ne f0ur tw0", [N]),
        ("s3ven zer0 tw0 f1ve f1ve f1ve zer0 0ne f0ur tw0", [N]),
        ("thr33 f0ur sev3n f1ve f1ve f1ve z3ro 0ne e1ght f0ur", ["+13475550184"]),
        # homoglyphs: Latin, Cyrillic and Greek look-alikes inside digit runs
        ("7O2-555-Ol42", [N]),
        ("7o2-555-0I42", [N]),
        ("7O2-SSS-0142", [N]),
        ("7О2-555-0142", [N]),  # Cyrillic О
        ("7Ο2-555-ο142", [N]),  # Greek Ο and ο
        ("7O2-555-0І42", [N]),  # Cyrillic І
        # emoji keycaps, circled, full-width, mathematical digits
        ("7️⃣0️⃣2️⃣5️⃣5️⃣5️⃣0️⃣1️⃣4️⃣2️⃣", [N]),
        ("⑦⓪②⑤⑤⑤⓪①④②", [N]),
        ("❼⓿❷❺❺❺⓿❶❹❷", [N]),
        ("７０２－５５５－０１４２", [N]),
        ("𝟕𝟎𝟐 𝟓𝟓𝟓 𝟎𝟏𝟒𝟐", [N]),
        ("𝟳𝟬𝟮-𝟱𝟱𝟱-𝟬𝟭𝟰𝟮", [N]),
        # split across lines, zero-width characters between digits
        ("702\n555\n0142", [N]),
        ("call\n702\n555\n0142\nbaby", [N]),
        ("7\u200b0\u200b2\u200b5\u200b5\u200b5\u200b0\u200b1\u200b4\u200b2", [N]),
        ("702\u00ad555\u00ad0142", [N]),
        # repeated separators
        ("702---555...0142", [N]),
        ("702 -- 555 -- 0142", [N]),
        # two numbers in one run, and beside other numbers
        ("702-555-0142 / 702-555-0199", [N, "+17025550199"]),
        ("(702) 555-0142, 702.555.0199", [N, "+17025550199"]),
        ("Las Vegas NV 89101 702-555-0142", [N]),
        ("age 21\n7025550142", [N]),
        ("89109\n702-555-0142", [N]),
    ],
)
def test_phones_every_style_to_e164(run: Run, text: str, expected: list[str]) -> None:
    assert [f.value for f in run(extract_phones, text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Post ID: 8841207733",
        "Post ID: 7025550142",
        "Post id 7025550142",
        "Ad # 7025550142",
        "Ref: 702 555 0142",
        "Order #7025550142",
        "150/hh 250/hr 800 overnight",
        "$150 $250 $800",
        "11/24/2026 10:30",
        "2026-11-24 10:30",
        "10am-2am 9am-11pm",
        "5'6\" 130 lbs 34-24-36",
        "Las Vegas 89109",
        "i'm 19, 5'4\", 110 lbs",
        "Since 2016",
        "1234567890",  # area code cannot start with 1
        "0125550142",
        "911-555-0142",  # N11 area code
        "702-155-0142",  # exchange cannot start with 1
        "555-0142",  # seven digits, no area code
        "one two three",
        "I love it, oh so fresh",
        "",
    ],
)
def test_phones_refuses_what_only_looks_like_a_phone(run: Run, text: str) -> None:
    assert run(extract_phones, text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Report abuse: (800) 555-0101", "site_phone"),
        ("Site support: 800.555.0100", "site_phone"),
        ("Questions about this site? Call 1 800 555 0101", "site_phone"),
        ("Advertise with us: 800-555-0103", "site_phone"),
        ("Call me 800-555-0103", "phone"),
    ],
)
def test_phones_site_numbers_are_kept_apart(run: Run, text: str, kind: str) -> None:
    assert [f.kind for f in run(extract_phones, text)] == [kind]


@pytest.mark.parametrize(
    ("written", "style"),
    [
        ("702-555-0142", "plain"),
        ("(702) 555-0142", "plain"),
        ("7025550142", "plain"),
        ("+1 702 555 0142", "international"),
        ("7 0 2 5 5 5 0 1 4 2", "spaced"),
        ("(7)(0)(2) 5 5 5 . 0 1 4 2", "bracketed"),
        ("#702#555#01#42", "hashed"),
        ("seven oh two five five five zero one four two", "words_en"),
        ("siete cero dos cinco cinco cinco cero uno cuatro dos", "words_es"),
        ("nine1seven fivefive5 zero166", "mixed_words"),
        ("sev3n oh tw0 f1ve f1ve f1ve z3ro 0ne f0ur tw0", "leet_words"),
        ("7O2-555-Ol42", "homoglyph"),
        ("7️⃣0️⃣2️⃣5️⃣5️⃣5️⃣0️⃣1️⃣4️⃣2️⃣", "emoji"),
        ("⑦⓪②⑤⑤⑤⓪①④②", "enclosed"),
        ("７０２－５５５－０１４２", "fullwidth"),
        ("𝟕𝟎𝟐 𝟓𝟓𝟓 𝟎𝟏𝟒𝟐", "math"),
        ("702\n555\n0142", "split_lines"),
    ],
)
def test_phone_style_names_how_the_number_was_written(written: str, style: str) -> None:
    assert phone_style(written) == style


def test_phones_span_covers_the_obfuscated_text(run: Run) -> None:
    text = "Txt me: seven oh two FIVE5FIVE 0142 (text only)"
    [phone] = run(extract_phones, text)
    assert phone.text == "seven oh two FIVE5FIVE 0142"
    assert (phone.value, phone.attr("style"), phone.source) == (N, "mixed_words", "phones@1")


def test_phones_area_code_region_from_offline_geocoder(run: Run) -> None:
    [phone] = run(extract_phones, "702-555-0142")
    assert phone.attr("area") == "Nevada"


def test_phones_other_default_region_reads_national_numbers() -> None:
    found = extract_phones(normalize("llámame al 020 7946 0958"), "GB")
    assert [f.value for f in found] == ["+442079460958"]
