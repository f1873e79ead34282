"""Past the fictional number range the phone book starts over instead of failing."""

from __future__ import annotations

import random

from threadline.synth._places import CITIES
from threadline.synth._plan import PhoneBook


def test_phone_book_wraps_after_issuing_every_fictional_number() -> None:
    book, rng = PhoneBook(), random.Random(1)
    issued = [book.take(CITIES[0], rng) for _ in range(200_000)]
    assert (len(set(issued)), book.wrapped) == (30_400, 6)
    assert len(set(issued[:30_400])) == 30_400
    assert all(number[5:10] == "55501" for number in issued)
