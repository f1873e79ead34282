"""Console queries: filtered search, pages, counts, saved searches and their alerts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.builders import an_ad
from tests.console_corpus import store_and_analyze
from threadline.errors import InputError
from threadline.store import Database
from threadline.store.console import (
    AdFilter,
    ad_detail,
    dashboard,
    export_ads,
    filter_from_params,
    network_data,
    run_saved_searches,
    save_search,
    saved_search_alerts,
    search_ads,
)
from threadline.store.tables import memberships


@pytest.fixture
def corpus(database: Database, tmp_path: Path) -> Database:
    store_and_analyze(database, tmp_path)
    return database


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (AdFilter(phone="+17025550142"), [2, 1]),
        (AdFilter(phone="+17025550142", sort="risk"), None),
        (AdFilter(text="tonight"), [1]),
        (AdFilter(text="evenings mia"), [3]),
        (AdFilter(city="Chicago"), [3]),
        (AdFilter(date_from=date(2026, 10, 2), date_to=date(2026, 10, 3)), [2]),
        (AdFilter(date_from=date(2026, 10, 4)), [3]),
        (AdFilter(indicator="youth.fresh"), [1]),
        (AdFilter(indicator="movement.new_in_town"), [1]),
        (AdFilter(phone="+13125550199", text="quiet"), [3]),
        (AdFilter(phone="+19995550100"), []),
    ],
)
def test_search_ads_filters(corpus: Database, query: AdFilter, expected: list[int] | None) -> None:
    with corpus.transaction() as connection:
        page = search_ads(connection, query)
    ids = [row.id for row in page.rows]
    if expected is None:
        assert sorted(ids) == [1, 2]
    else:
        assert ids == expected
        assert page.total == len(expected)


def test_search_ads_network_filter_returns_members(corpus: Database) -> None:
    with corpus.transaction() as connection:
        network = connection.execute(
            select(memberships.c.network_id).where(memberships.c.ad_id == 1)
        ).scalar_one()
        page = search_ads(connection, AdFilter(network=network, sort="newest"))
    assert [row.id for row in page.rows] == [2, 1]
    assert {row.network for row in page.rows} == {network}


def test_search_ads_pages(corpus: Database) -> None:
    with corpus.transaction() as connection:
        first = search_ads(connection, AdFilter(sort="newest"), 1, 2)
        second = search_ads(connection, AdFilter(sort="newest"), 2, 2)
    assert ([r.id for r in first.rows], first.total, first.has_next) == ([3, 2], 3, True)
    assert ([r.id for r in second.rows], second.has_next) == ([1], False)


def test_filter_rejects_unknown_sort_and_level() -> None:
    with pytest.raises(InputError):
        AdFilter(sort="random")
    with pytest.raises(InputError):
        AdFilter(risk="extreme")


def test_filter_params_round_trip() -> None:
    query = AdFilter(text="fresh", phone="+17025550142", date_from=date(2026, 10, 1), sort="risk")
    assert query.params() == {
        "text": "fresh",
        "phone": "+17025550142",
        "date_from": "2026-10-01",
        "sort": "risk",
    }
    assert filter_from_params(query.params()) == query


def test_export_ads_rows(corpus: Database) -> None:
    with corpus.transaction() as connection:
        rows = export_ads(connection, AdFilter(phone="+17025550142", sort="newest"))
    assert [(r.id, r.city, r.title) for r in rows] == [
        (2, "Phoenix", "Lexi visiting"),
        (1, "Las Vegas", "Ana here"),
    ]


def test_ad_detail_has_phone_findings_with_spans(corpus: Database) -> None:
    with corpus.transaction() as connection:
        detail = ad_detail(connection, 2)
    phones = [(f.value, f.start, f.end, f.text) for f in detail.findings if f.kind == "phone"]
    assert detail.text == "Lexi visiting\ntext me at (702) 555 0142"
    assert phones == [("+17025550142", 25, 39, "(702) 555 0142")]
    assert ("phone", "+17025550142", "(702) 555 0142") in detail.identifiers
    assert detail.via == ("phone:+17025550142",)
    assert detail.network_size == 2


def test_network_data_members_and_vias(corpus: Database) -> None:
    with corpus.transaction() as connection:
        network = connection.execute(
            select(memberships.c.network_id).where(memberships.c.ad_id == 1)
        ).scalar_one()
        data = network_data(connection, network)
    assert [m.id for m in data.members] == [1, 2]
    assert data.via == {1: ("phone:+17025550142",), 2: ("phone:+17025550142",)}
    assert [e.city for e in data.evidence] == ["Las Vegas", "Phoenix"]
    assert data.truncated is False


def test_dashboard_counts(corpus: Database) -> None:
    with corpus.transaction() as connection:
        board = dashboard(connection)
    assert (board.ads, board.networks) == (3, 1)
    assert board.weekly == (("2026-W40", 2), ("2026-W41", 1))
    assert sorted(board.cities) == [("Chicago", 1), ("Las Vegas", 1), ("Phoenix", 1)]
    assert [r.id for r in board.juvenile] == [3]
    assert [n.size for n in board.top_networks] == [2]


def test_saved_search_flags_only_new_matching_ads(corpus: Database, tmp_path: Path) -> None:
    with corpus.transaction() as connection:
        search_id = save_search(connection, "ana", "Vegas phone", AdFilter(phone="+17025550142"))
        assert run_saved_searches(connection) == {search_id: 0}
    new_ads = (
        an_ad("d", title="Back again", body="call 702 555 0142", images=()),
        an_ad("e", title="Other", body="call 415-555-0100", images=()),
    )
    store_and_analyze(corpus, tmp_path, new_ads)
    with corpus.transaction() as connection:
        assert run_saved_searches(connection) == {search_id: 1}
        assert run_saved_searches(connection) == {search_id: 0}
        alerts = saved_search_alerts(connection, "ana")
        others = saved_search_alerts(connection, "someone-else")
    assert [(a.name, a.ad_id) for a in alerts] == [("Vegas phone", 4)]
    assert others == []


def test_save_search_needs_a_name_and_a_filter(corpus: Database) -> None:
    with corpus.transaction() as connection:
        with pytest.raises(InputError):
            save_search(connection, "ana", " ", AdFilter(text="x"))
        with pytest.raises(InputError):
            save_search(connection, "ana", "all", AdFilter())
