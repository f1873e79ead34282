"""The ad record contract: what is accepted, what is refused and why."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.builders import a_record
from threadline.errors import InputError
from threadline.model import Ad, ImageRef, ad_from_record, ad_to_record, parse_time


def test_ad_from_record_reads_every_field_and_keeps_unknown_ones() -> None:
    record = a_record(images=[{"url": "https://x/1.jpg"}, "https://x/2.jpg"], rating=5)
    ad = ad_from_record(record)
    assert ad == Ad(
        id="ad-1",
        title="Sweet company",
        body="Text 702-555-0142 for rates.",
        site="example-classifieds",
        posted_at=datetime(2026, 10, 1, 12, 0, tzinfo=UTC),
        city="Las Vegas",
        region="NV",
        country="US",
        images=(ImageRef(url="https://x/1.jpg"), ImageRef(url="https://x/2.jpg")),
    )
    assert ad.extra == {"rating": 5}
    assert ad.text == "Sweet company\nText 702-555-0142 for rates."


def test_record_round_trips_through_ad() -> None:
    record = a_record(images=[{"path": "images/a.jpg", "sha256": "ab" * 32}], extra_field=[1, 2])
    assert ad_from_record(ad_to_record(ad_from_record(record))) == ad_from_record(record)
    assert ad_to_record(ad_from_record(record))["extra_field"] == [1, 2]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([1, 2], "record is not a JSON object"),
        ({"title": "x"}, "record has no id"),
        ({"id": True, "title": "x"}, "record has no id"),
        ({"id": "  ", "title": "x"}, "id is empty"),
        ({"id": "a"}, "record has neither title nor body"),
        ({"id": "a", "title": 3}, "title is not a string"),
        ({"id": "a", "body": "x", "posted_at": "yesterday"}, "posted_at is not ISO 8601"),
        ({"id": "a", "body": "x", "posted_at": 5}, "posted_at is not a string"),
        ({"id": "a", "body": "x", "country": "USA"}, "country is not an ISO 3166 alpha-2 code"),
        ({"id": "a", "body": "x", "images": "x.jpg"}, "images is not a list"),
        ({"id": "a", "body": "x", "images": [{}]}, "an image has neither url nor path"),
        ({"id": "a", "body": "x", "images": [3]}, "an image is neither a URL nor an object"),
        (
            {"id": "a", "body": "x", "images": [{"url": 1}]},
            "image url, path and sha256 must be strings",
        ),
    ],
)
def test_ad_from_record_refuses_with_a_reason(record: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        ad_from_record(record)


def test_integer_ids_become_strings_and_country_upper_case() -> None:
    ad = ad_from_record({"id": 42, "body": "x", "country": "us"})
    assert (ad.id, ad.country) == ("42", "US")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-01T12:00:00Z", datetime(2026, 10, 1, 12, 0, tzinfo=UTC)),
        ("2026-10-01T14:00:00+02:00", datetime(2026, 10, 1, 12, 0, tzinfo=UTC)),
        ("2026-10-01T12:00:00", datetime(2026, 10, 1, 12, 0, tzinfo=UTC)),
        ("2026-10-01", datetime(2026, 10, 1, 0, 0, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)
def test_parse_time_returns_utc(text: str | None, expected: datetime | None) -> None:
    assert parse_time(text) == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
record_like = st.fixed_dictionaries(
    {},
    optional={
        key: json_values
        for key in ("id", "title", "body", "posted_at", "country", "images", "site", "city")
    },
)


@given(st.one_of(json_values, record_like))
def test_ad_from_record_never_fails_other_than_with_input_error(value: object) -> None:
    try:
        ad = ad_from_record(value)
    except InputError:
        return
    else:
        assert ad.id
        assert ad.title or ad.body
