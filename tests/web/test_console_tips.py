"""The tip queue page through the app: platform reports land over the API, merge into leads,
list by priority with filters; a lead's reports, identifiers and links; assignment and
decisions with a reason; roles, CSRF and the audit of every view and action."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.console_corpus import store_and_analyze
from tests.web.accounts import Clock, csrf_from, logged_in
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.accounts import Role
from threadline.store.screen import create_platform
from threadline.store.tables import audit_log, memberships

ANALYST = "ana.analyst"
REPORTS = (
    # (platform, ad id, body, account id): the first two share a phone, so one lead.
    ("listings", "L-1", "Call 702-555-0142 tonight, new in town", "u1"),
    ("personals", "P-7", "Text 7025550142 for fun", "z7"),
    ("listings", "L-2", "Sweet 16yo, just arrived. kik: lily_x", "u2"),
    ("personals", "P-8", "Relaxing evenings, call 312-555-0177", "z8"),
)
ROW = re.compile(r'<tr id="lead-(\d+)">')


def _report(client: TestClient, key: str, ad_id: str, body: str, account: str) -> None:
    payload = {
        "ad": {"id": ad_id, "title": "Ad", "body": body},
        "account": {"account_id": account, "email": f"{account}@example.com", "ip_address": None},
        "reason": f"flagged by moderator for {account}",
    }
    response = client.post(
        "/api/v1/reports", json=payload, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 202, response.text


@pytest.fixture
def platforms(database: Database) -> dict[str, tuple[int, str]]:
    """Two platforms: name -> (id, API key)."""
    found = {}
    with database.transaction() as connection:
        for name in ("listings", "personals"):
            platform, key = create_platform(connection, name, "admin")
            found[name] = (platform.id, key)
    return found


@pytest.fixture
def client(
    settings: Settings,
    database: Database,
    tmp_path: Path,
    platforms: dict[str, tuple[int, str]],
) -> TestClient:
    store_and_analyze(database, tmp_path)
    client = logged_in(settings, database, Role.ANALYST, Clock(), ANALYST)
    for platform, ad_id, body, account in REPORTS:
        _report(client, platforms[platform][1], ad_id, body, account)
    return client


def _rows(html: str) -> list[int]:
    return [int(found) for found in ROW.findall(html)]


def _audit(database: Database, prefix: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    with database.transaction() as connection:
        rows = connection.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.object_id, audit_log.c.detail)
            .where(audit_log.c.action.like(f"{prefix}%"))
            .order_by(audit_log.c.seq)
        ).all()
    return [(r.actor, r.action, r.object_id, json.loads(r.detail)) for r in rows]


def test_the_queue_lists_leads_juvenile_first_then_by_score(client: TestClient) -> None:
    page = client.get("/tips")
    assert page.status_code == 200
    # Leads 1 and 3 tie on score: the one reported last comes first.
    assert _rows(page.text) == [2, 3, 1]
    assert (
        '<tr id="lead-2"><td><a href="/tips/2">lead 2</a></td>\n'
        '      <td><span class="flag">juvenile flag</span></td>\n'
        "      <td>9.5</td><td>1</td><td>listings</td>"
    ) in page.text
    assert "<td>2</td><td>listings, personals</td>\n      <td>new</td><td></td>" in page.text
    assert '<a href="/tips">Tips</a>' in page.text


def test_the_queue_filters_by_platform_juvenile_flag_and_status(
    client: TestClient, platforms: dict[str, tuple[int, str]]
) -> None:
    personals = platforms["personals"][0]
    assert _rows(client.get("/tips", params={"juvenile": "yes"}).text) == [2]
    assert _rows(client.get("/tips", params={"juvenile": "no"}).text) == [3, 1]
    assert _rows(client.get("/tips", params={"platform": personals}).text) == [3, 1]
    dismissed = client.get("/tips", params={"status": "dismissed"}).text
    assert _rows(dismissed) == []
    assert '<p id="tips-empty">No leads match.</p>' in dismissed
    assert client.get("/tips", params={"status": "closed"}).status_code == 422


def test_a_lead_shows_its_reports_identifiers_and_links(
    client: TestClient, database: Database
) -> None:
    with database.transaction() as connection:
        network = connection.execute(
            select(memberships.c.network_id).where(memberships.c.ad_id == 1)
        ).scalar_one()
    page = client.get("/tips/1").text
    assert [int(t) for t in re.findall(r'<article class="report" id="tip-(\d+)">', page)] == [1, 2]
    assert "<h3>listings · " in page
    assert "<h3>personals · " in page
    assert "account id: u1<br>email: u1@example.com<br>" in page
    assert "account id: z7<br>email: z7@example.com<br>" in page
    assert "<dd>flagged by moderator for z7</dd>" in page
    assert (
        '<li><a href="/search?phone=%2B17025550142">phone +17025550142</a> '
        '<span class="muted">written “702-555-0142”</span></li>'
    ) in page
    assert (
        '<li><a href="/search?email=u1%40example.com">email u1@example.com</a> '
        '<span class="muted">written “u1@example.com (account on listings)”</span></li>'
    ) in page
    assert f'<ul id="linked-networks"><li><a href="/networks/{network}">{network}</a> 2 ads' in page
    linked = page.split('<ul id="linked-ads">')[1].split("</ul>")[0]
    assert re.findall(r'<a href="/ads/(\d+)">', linked) == ["2", "1"]
    assert "via phone:+17025550142" in linked


def test_a_handle_on_a_lead_links_to_the_handle_search(client: TestClient) -> None:
    page = client.get("/tips/2").text
    assert (
        '<li><a href="/search?handle=lily_x">handle kik:lily_x</a> '
        '<span class="muted">written “kik: lily_x”</span></li>'
    ) in page
    assert '<ul id="linked-networks"><li>None.</li></ul>' in page


def test_assign_and_dismiss_with_a_reason_are_recorded_and_audited(
    client: TestClient, database: Database
) -> None:
    token = csrf_from(client.get("/tips/1").text)
    assigned = client.post("/tips/1/assign", data={"csrf_token": token}, follow_redirects=False)
    assert (assigned.status_code, assigned.headers["location"]) == (303, "/tips/1?assigned=1")
    page = client.get("/tips/1").text
    assert f'<dd id="lead-assigned">{ANALYST}</dd>' in page
    assert 'id="assign-form"' not in page
    data = {"decision": "dismissed", "reason": "Same agency ad, already known", "csrf_token": token}
    decided = client.post("/tips/1/decide", data=data, follow_redirects=False)
    assert (decided.status_code, decided.headers["location"]) == (303, "/tips/1?decided=dismissed")
    page = client.get("/tips/1").text
    assert '<dd id="lead-status">dismissed</dd>' in page
    assert f"dismissed by {ANALYST} at " in page
    assert "“Same agency ad, already known”" in page
    assert _rows(client.get("/tips").text) == [2, 3]
    assert _rows(client.get("/tips", params={"status": "dismissed"}).text) == [1]
    assert _audit(database, "lead.") == [
        (ANALYST, "lead.assign", "1", {"assigned_to": ANALYST, "previous": None}),
        (
            ANALYST,
            "lead.dismissed",
            "1",
            {"decision": "dismissed", "previous": "new", "reason": "Same agency ad, already known"},
        ),
    ]


def test_every_view_of_the_queue_and_of_a_lead_is_audited(
    client: TestClient, database: Database
) -> None:
    client.get("/tips", params={"juvenile": "yes"})
    client.get("/tips/1")
    views = _audit(database, "console.view.")
    assert [(actor, action, object_id) for actor, action, object_id, _ in views] == [
        (ANALYST, "console.view.tip_queue", "open"),
        (ANALYST, "console.view.lead", "1"),
    ]
    queue, lead = views[0][3], views[1][3]
    assert (queue["leads"], queue["filters"]) == (
        [2],
        {"status": "open", "platform": None, "juvenile": "yes"},
    )
    assert (lead["tips"], lead["path"]) == ([1, 2], "/tips/1")


def test_a_new_report_reopens_a_dismissed_lead(
    client: TestClient, platforms: dict[str, tuple[int, str]]
) -> None:
    token = csrf_from(client.get("/tips/3").text)
    data = {"decision": "reviewed", "reason": "Nothing beyond the ad", "csrf_token": token}
    assert client.post("/tips/3/decide", data=data, follow_redirects=False).status_code == 303
    assert _rows(client.get("/tips").text) == [2, 1]
    _report(client, platforms["listings"][1], "L-9", "Call 312-555-0177 again", "u9")
    assert _rows(client.get("/tips").text) == [2, 3, 1]
    assert '<dd id="lead-status">new</dd>' in client.get("/tips/3").text


def test_a_decision_needs_a_reason_and_a_known_decision(
    client: TestClient, database: Database
) -> None:
    token = csrf_from(client.get("/tips/1").text)
    blank = {"decision": "escalated", "reason": "   ", "csrf_token": token}
    assert client.post("/tips/1/decide", data=blank).status_code == 400
    unknown = {"decision": "closed", "reason": "done", "csrf_token": token}
    assert client.post("/tips/1/decide", data=unknown).status_code == 422
    assert client.post("/tips/99/assign", data={"csrf_token": token}).status_code == 404
    assert '<dd id="lead-status">new</dd>' in client.get("/tips/1").text
    assert _audit(database, "lead.") == []


def test_writes_without_the_csrf_token_are_refused(client: TestClient, database: Database) -> None:
    data = {"decision": "escalated", "reason": "Looks organised"}
    assert client.post("/tips/1/decide", data=data).status_code == 403
    assert client.post("/tips/1/assign").status_code == 403
    assert _audit(database, "lead.") == []


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AUDITOR])
def test_roles_that_may_not_read_tips_are_refused(
    settings: Settings, database: Database, role: Role
) -> None:
    other = logged_in(settings, database, role, Clock())
    assert other.get("/tips", follow_redirects=False).status_code == 403
    assert other.get("/tips/1", follow_redirects=False).status_code == 403
    token = csrf_from(other.get("/password").text)
    refused = other.post("/tips/1/assign", data={"csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 403
    assert _audit(database, "console.view.") == []
