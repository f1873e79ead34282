"""E-mails: plain, spelled out, spaced and misspelled, to one lower-case address."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.extract.conftest import Run
from threadline.extract.emails import _separators, extract_emails, fix_domain


@pytest.mark.parametrize(
    ("text", "expected", "style"),
    [
        ("Email: ana.b@gmail.com", "ana.b@gmail.com", "plain"),
        ("Ana.B@Gmail.COM", "ana.b@gmail.com", "plain"),
        ("write to ana_b+x@protonmail.com!", "ana_b+x@protonmail.com", "plain"),
        ("ana.b (at) gmail dot com", "ana.b@gmail.com", "at_words"),
        ("ana.b [at] yahoo [dot] com", "ana.b@yahoo.com", "at_words"),
        ("ana.b at hotmail {dot} com", "ana.b@hotmail.com", "at_words"),
        ("ana.b AT outlook DOT com", "ana.b@outlook.com", "at_words"),
        ("ana.b {at} icloud (dot) com", "ana.b@icloud.com", "at_words"),
        ("ana.b <at> gmail <dot> com", "ana.b@gmail.com", "at_words"),
        ("ana.b @ gmail . com", "ana.b@gmail.com", "spaced"),
        ("ana.b@ gmail.com", "ana.b@gmail.com", "spaced"),
        ("ana.b@gmial.com", "ana.b@gmail.com", "misspelled"),
        ("ana.b@gmai.com", "ana.b@gmail.com", "misspelled"),
        ("ana.b@gmaill.com", "ana.b@gmail.com", "misspelled"),
        ("ana.b@yahooo.com", "ana.b@yahoo.com", "misspelled"),
        ("ana.b@yaho.com", "ana.b@yahoo.com", "misspelled"),
        ("ana.b@hotmial.com", "ana.b@hotmail.com", "misspelled"),
        ("ana.b@hotmal.com", "ana.b@hotmail.com", "misspelled"),
        ("ana.b@outlok.com", "ana.b@outlook.com", "misspelled"),
        ("ana.b@outllook.com", "ana.b@outlook.com", "misspelled"),
        ("ana.b@protonmial.com", "ana.b@protonmail.com", "misspelled"),
        ("ana.b@icloud.co", "ana.b@icloud.com", "misspelled"),
        ("ana.b@icould.com", "ana.b@icloud.com", "misspelled"),
        ("ana.b@gmail.con", "ana.b@gmail.com", "misspelled"),
        ("ａｎａ＠ｇｍａｉｌ．ｃｏｍ", "ana@gmail.com", "plain"),
        ("ana.b (at) gmial dot com", "ana.b@gmail.com", "at_words"),
    ],
)
def test_emails_every_style_to_one_address(run: Run, text: str, expected: str, style: str) -> None:
    [email] = run(extract_emails, text)
    assert (email.value, email.attr("style")) == (expected, style)


@pytest.mark.parametrize(
    "text",
    [
        "meet me at home. Call me",
        "IG @ana_b",
        "Call me @ (702) 555-0142",
        "Twitter @ana.b",
        "see you at the hotel dot com tonight",  # no local part before a spelled `at`
        "call at noon dot then",  # a spelled-out address needs a known ending
        "@gmail.com",
        "",
    ],
)
def test_emails_refuses_what_is_not_an_address(run: Run, text: str) -> None:
    assert run(extract_emails, text) == []


@pytest.mark.parametrize(
    ("domain", "fixed"),
    [
        ("gmial.com", "gmail.com"),
        ("gamil.com", "gmail.com"),
        ("gmail.com", "gmail.com"),
        ("mail.com", "mail.com"),
        ("email.com", "email.com"),
        ("gmx.com", "gmx.com"),
        ("hotmail.co.uk", "hotmail.co.uk"),
        ("example.org", "example.org"),
    ],
)
def test_fix_domain_corrects_only_near_misses_of_big_providers(domain: str, fixed: str) -> None:
    assert fix_domain(domain) == fixed


def test_emails_span_is_the_written_address(run: Run) -> None:
    text = "Bookings: ana.b (at) gmial dot com xo"
    [email] = run(extract_emails, text)
    assert (email.text, email.source) == ("ana.b (at) gmial dot com", "emails@1")


# The separator search as one regex from every position: slower, and the reference for it.
_REFERENCE_SEPARATOR = re.compile(r"[@(\[{<\s](?:(?<=@)|(?<=[(\[{<])\s{0,2}at|(?<=\s)at\s)")


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("ana@mail.com", [3]),
        ("ana (at) mail", [4]),
        ("ana [ at ] mail", [4]),
        ("ana {  at} mail", [4]),
        ("ana at mail", [3]),
        ("that date at", []),
        (" at at mail", [0]),
        ("( at @ x", [0, 5]),
        ("(at", [0]),
        ("at ", []),
    ],
)
def test_separators_are_where_an_address_may_be(text: str, starts: list[int]) -> None:
    assert _separators(text) == starts


_PIECES = st.sampled_from([*"at @([{<>)x.\t\n", " at ", "( at", "(at", "at@"])


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_separators_equal_the_reference_search(text: str) -> None:
    assert _separators(text) == [m.start() for m in _REFERENCE_SEPARATOR.finditer(text)]
