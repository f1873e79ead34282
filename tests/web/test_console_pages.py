"""Console pages through the app: phone search in any format, CSV, highlights, saved searches,
roles and the audit of every view."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.console_corpus import store_and_analyze
from tests.web.accounts import Clock, csrf_from, logged_in
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.accounts import Role
from threadline.store.tables import audit_log
from threadline.web.console._query import normalize_phone


@pytest.fixture
def client(settings: Settings, database: Database, tmp_path: Path) -> TestClient:
    store_and_analyze(database, tmp_path)
    return logged_in(settings, database, Role.ANALYST, Clock())


@pytest.mark.parametrize(
    "written",
    [
        "(702) 555-0142",
        "702-555-0142",
        "702.555.0142",
        "+1 702 555 0142",
        "7025550142",
        "seven oh two five five five zero one four two",
        "7O2-555-Ol42",
    ],
)
def test_normalize_phone_any_format(written: str) -> None:
    assert normalize_phone(written) == "+17025550142"


def test_search_by_phone_with_dashes_and_brackets(client: TestClient) -> None:
    page = client.get("/search", params={"phone": "(702) 555-0142", "sort": "newest"})
    assert page.status_code == 200
    assert "Phone read as <code>+17025550142</code>" in page.text
    assert "<strong>2</strong> ads match" in page.text
    assert page.text.index('href="/ads/2"') < page.text.index('href="/ads/1"')


def test_search_csv_rows(client: TestClient) -> None:
    response = client.get("/search.csv", params={"phone": "702 555 0142", "sort": "newest"})
    lines = response.text.splitlines()
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert lines[0] == "id,posted_at,site,city,region,title,risk_score,risk_level,juvenile,network"
    assert [line.split(",")[:6] for line in lines[1:]] == [
        ["2", "2026-10-03T09:30:00+00:00", "example-classifieds", "Phoenix", "AZ", "Lexi visiting"],
        ["1", "2026-10-01T12:00:00+00:00", "example-classifieds", "Las Vegas", "NV", "Ana here"],
    ]


def test_search_refuses_a_non_phone(client: TestClient) -> None:
    page = client.get("/search", params={"phone": "hello"})
    assert "is not a phone number" in page.text


def test_ad_page_highlights_each_finding_with_its_explanation(client: TestClient) -> None:
    page = client.get("/ads/2")
    assert page.status_code == 200
    assert (
        '<mark class="f-phone f-place" tabindex="0" '
        'data-tip="phone = +17025550142 · phones@1\nplace = Nevada · places@1"'
    ) in page.text
    assert ">(702) 555 0142</mark>" in page.text


def test_network_page_has_graph_edges_labelled_with_via(client: TestClient) -> None:
    network = client.get("/ads/1").text.split('href="/networks/')[1].split('"')[0]
    page = client.get(f"/networks/{network}")
    assert page.status_code == 200
    assert '"label": "phone", "source": "ad1", "target": "phone:+17025550142"' in page.text
    assert "<li><strong>Las Vegas</strong> 2026-10-01" in page.text


def test_saved_search_through_the_pages(client: TestClient) -> None:
    client.get("/search", params={"q": "tonight"})
    token = csrf_from(client.get("/search", params={"q": "tonight"}).text)
    saved = client.post(
        "/search/saved",
        data={"name": "tonight ads", "qs": "q=tonight", "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    listing = client.get("/saved").text
    assert '<a href="/search?sort=relevance&amp;q=tonight">tonight ads</a>' in listing


def test_every_view_is_audited(client: TestClient, database: Database) -> None:
    client.get("/ads/3")
    client.get("/search", params={"city": "Chicago"})
    with database.transaction() as connection:
        rows = connection.execute(
            select(audit_log.c.action, audit_log.c.object_id)
            .where(audit_log.c.action.like("console.view.%"))
            .order_by(audit_log.c.seq)
        ).all()
    assert [tuple(r) for r in rows] == [("console.view.ad", "3"), ("console.view.search", "")]


def test_auditor_cannot_open_console_pages(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    store_and_analyze(database, tmp_path)
    auditor = logged_in(settings, database, Role.AUDITOR, Clock())
    assert auditor.get("/ads/1", follow_redirects=False).status_code == 403
    assert auditor.get("/search?q=x", follow_redirects=False).status_code == 403


def test_statistics_terms_count_every_analyzed_ad(client: TestClient) -> None:
    page = client.get("/stats")
    assert page.status_code == 200
    assert "over all 3 ads analyzed" in page.text
    assert "<tr><td>fresh</td>" in page.text
