"""The shared pass over words gives each pattern exactly the matches of its own finditer."""

from __future__ import annotations

import pytest

from threadline.extract import normalize
from threadline.extract._wordscan import word_matches
from threadline.extract.ages import _LEAD_AGE
from threadline.extract.handles import _LABELLED
from threadline.extract.lexicon import compiled_lexicon
from threadline.extract.prices import _WORD

TEXTS = [
    "",
    "age: 19, i'm 21 and i am 22 years old. aged 30",
    "IG: ana.b snap: ana_c 👻 ana_d kik ana_e of: me",
    "qv 100 / hh 150 / 1hr 200 / overnight 800 / Donations: 300 roses",
    "New in town, young and fresh, barely legal, jovencita, nueva en esto",
    "im 24/7, i'm 5'4, tengo 19 años, just turned 18",
    "agedage age age:age 19 i'mi'm 20",
]


@pytest.mark.parametrize("text", TEXTS)
def test_matches_equal_each_patterns_own_finditer(text: str) -> None:
    normalized = normalize(text)
    spaced = " " + normalized.lower
    for pattern in (_LEAD_AGE, _LABELLED, _WORD, compiled_lexicon().words):
        expected = [(m.span(), m.groupdict()) for m in pattern.finditer(spaced)]
        found = [(m.span(), m.groupdict()) for m in word_matches(normalized, pattern)]
        assert found == expected


def test_labelled_age_found_once_with_its_span() -> None:
    normalized = normalize("Age: 19 yrs")
    assert [m.span() for m in word_matches(normalized, _LEAD_AGE)] == [(0, 12)]
