"""Full-text search finds ads by their words on both engines, and survives every migration."""

from __future__ import annotations

import pytest

from tests.builders import an_ad
from threadline.store import Database, ensure_source, save_ads, search_ad_ids


@pytest.fixture
def stored(database: Database) -> Database:
    with database.transaction() as connection:
        save_ads(
            connection,
            ensure_source(connection, "corpus"),
            [
                an_ad("a", title="New in town", body="Sweet and discreet, call now"),
                an_ad("b", title="Visiting Reno", body="New girls every week"),
                an_ad("c", title="Quiet evenings", body="Nothing to see"),
            ],
        )
    return database


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("discreet", [1]),
        ("NEW", [1, 2]),
        ("new girls", [2]),
        ("evenings quiet", [3]),
        ("absent", []),
        ('"; DROP TABLE ads; --', []),
        ("NEAR(new town)", []),
        ("", []),
    ],
)
def test_search_ad_ids_matches_every_word(
    stored: Database, query: str, expected: list[int]
) -> None:
    with stored.transaction() as connection:
        assert sorted(search_ad_ids(connection, query)) == expected


def test_search_follows_changed_text(stored: Database) -> None:
    with stored.transaction() as connection:
        save_ads(connection, ensure_source(connection, "corpus"), [an_ad("c", body="now discreet")])
        assert sorted(search_ad_ids(connection, "discreet")) == [1, 3]
        assert search_ad_ids(connection, "nothing") == []
