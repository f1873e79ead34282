"""Activating a checked bot script version from the console: supervisors only, with a reason,
audited; the campaign then runs the new version and the transcript names it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.accounts import Clock, csrf_from, logged_in
from threadline.intercept import SHIPPED_SCRIPTS, add_campaign
from threadline.settings import Settings
from threadline.store import Database
from threadline.store.accounts import Role
from threadline.store.intercept import list_campaigns
from threadline.store.tables import audit_log
from threadline.store.tables_scripts import intercept_script_activations

TEXT = next(p for p in SHIPPED_SCRIPTS if p.stem == "example-en").read_text(encoding="utf-8")
NEWER = TEXT.replace("version: 1\n", "version: 2\n", 1)
REASON = "Reviewed with legal on 2026-11-30; softer refusal wording"


@pytest.fixture
def campaign(database: Database) -> int:
    with database.transaction() as connection:
        return add_campaign(connection, "vegas", "+17025550100", "example-en", datetime.now(UTC))


def _activate(client: TestClient, campaign: int, script: str, reason: str) -> object:
    token = csrf_from(client.get("/intercept/scripts").text)
    data = {"campaign": str(campaign), "script": script, "reason": reason, "csrf_token": token}
    return client.post("/intercept/scripts/activate", data=data, follow_redirects=False)


def test_a_supervisor_activates_a_checked_version(
    settings: Settings, database: Database, campaign: int
) -> None:
    client = logged_in(settings, database, Role.SUPERVISOR, Clock(), "sam.supervisor")
    response = _activate(client, campaign, NEWER, REASON)
    assert (response.status_code, response.headers["location"]) == (  # type: ignore[attr-defined]
        303,
        f"/intercept/scripts?activated={campaign}",
    )
    with database.transaction() as connection:
        (active,) = list_campaigns(connection)
        stored = connection.execute(select(intercept_script_activations)).one()
        events = connection.execute(
            select(audit_log.c.actor, audit_log.c.object_id, audit_log.c.detail).where(
                audit_log.c.action == "intercept.script.activate"
            )
        ).all()
    assert (active.script_id, active.script_version, active.script_yaml) == ("example-en", 2, NEWER)
    assert (stored.script_version, stored.previous_version, stored.activated_by) == (
        2,
        1,
        "sam.supervisor",
    )
    details = [json.loads(e.detail) for e in events]
    assert [(e.actor, e.object_id) for e in events] == [("sam.supervisor", str(campaign))]
    assert [(d["script"], d["previous"], d["reason"]) for d in details] == [
        ("example-en@2", "example-en@1", REASON)
    ]
    page = client.get("/intercept/scripts").text
    assert "example-en@2" in page
    assert REASON in page


def test_an_invalid_version_is_not_activated_and_its_problems_shown(
    settings: Settings, database: Database, campaign: int
) -> None:
    client = logged_in(settings, database, Role.ADMIN, Clock())
    response = _activate(client, campaign, TEXT, REASON)  # the active version again
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "version must be above the active version 1" in response.text  # type: ignore[attr-defined]
    with database.transaction() as connection:
        assert [c.script_version for c in list_campaigns(connection)] == [1]


def test_an_activation_needs_a_written_reason(
    settings: Settings, database: Database, campaign: int
) -> None:
    client = logged_in(settings, database, Role.SUPERVISOR, Clock())
    response = _activate(client, campaign, NEWER, "ok")
    assert response.status_code == 400  # type: ignore[attr-defined]
    with database.transaction() as connection:
        assert [c.script_version for c in list_campaigns(connection)] == [1]


def test_an_analyst_checks_but_may_not_activate(
    settings: Settings, database: Database, campaign: int
) -> None:
    client = logged_in(settings, database, Role.ANALYST, Clock())
    token = csrf_from(client.get("/intercept/scripts").text)
    checked = client.post(
        "/intercept/scripts/check",
        data={"campaign": str(campaign), "script": NEWER, "csrf_token": token},
    )
    assert 'id="activate-denied"' in checked.text
    assert 'id="activate-form"' not in checked.text
    assert _activate(client, campaign, NEWER, REASON).status_code == 403  # type: ignore[attr-defined]


def test_an_uploaded_file_is_checked(settings: Settings, database: Database, campaign: int) -> None:
    client = logged_in(settings, database, Role.SUPERVISOR, Clock())
    token = csrf_from(client.get("/intercept/scripts").text)
    checked = client.post(
        "/intercept/scripts/check",
        data={"campaign": str(campaign), "csrf_token": token},
        files={"upload": ("example-en.yaml", NEWER.encode(), "text/yaml")},
    )
    assert checked.status_code == 200
    assert 'id="script-valid"' in checked.text
    assert 'id="activate-form"' in checked.text


def test_a_shipped_script_is_picked_and_checked(
    settings: Settings, database: Database, campaign: int
) -> None:
    client = logged_in(settings, database, Role.SUPERVISOR, Clock())
    token = csrf_from(client.get("/intercept/scripts").text)
    checked = client.post(
        "/intercept/scripts/check",
        data={"campaign": str(campaign), "shipped": "example-en", "csrf_token": token},
    )
    assert "version must be above the active version 1" in checked.text
    assert 'id="activate-form"' not in checked.text
