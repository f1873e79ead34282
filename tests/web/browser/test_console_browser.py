"""The console in a real browser: log in, search an obfuscated phone, read the ad, open the
network graph, review a face candidate, promote a contact; a screenshot of each page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser.conftest import ARTIFACTS, PLATFORM_KEYS
from threadline.intercept import SHIPPED_SCRIPTS

pytestmark = pytest.mark.browser


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def test_dashboard_shows_the_corpus(page: Any) -> None:
    page.goto("/")
    page.wait_for_selector("#chart-weekly")
    assert page.inner_text("#count-ads") == "3"
    assert page.inner_text("#count-networks") == "1"
    assert page.locator("#juvenile-flags tbody tr").count() == 1
    _shot(page, "dashboard")


def test_search_by_obfuscated_phone(page: Any) -> None:
    page.goto("/search")
    page.fill("input[name=phone]", "(702) 555.0142")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#results")
    assert page.inner_text("#phone-normalized") == "Phone read as +17025550142."
    assert page.locator("#results tbody tr").count() == 2
    assert "2 ads match" in page.inner_text("#result-count")
    _shot(page, "search")


def test_ad_page_highlights_the_phone(page: Any) -> None:
    page.goto("/ads/2")
    mark = page.locator("#ad-text mark.f-phone").first
    assert mark.inner_text() == "(702) 555 0142"
    assert "phone = +17025550142 · phones@" in mark.get_attribute("data-tip")
    mark.hover()
    _shot(page, "ad")


def test_network_graph_draws(page: Any) -> None:
    page.goto("/ads/2")
    page.click("#network-link")
    page.wait_for_selector("#graph[data-ready]")
    assert page.get_attribute("#graph", "data-ready") == "3"  # two ads and the phone
    page.wait_for_selector("#map[data-ready]")
    page.wait_for_selector("#map path.leaflet-interactive >> nth=50", state="attached")
    assert page.locator("#members tbody tr").count() == 2
    _shot(page, "network")


def test_statistics_page(page: Any) -> None:
    page.goto("/stats")
    page.wait_for_selector("#chart-lorenz")
    assert page.inner_text("#stat-phones") == "2"
    assert "over all 3 ads analyzed" in page.inner_text("#terms-reach")
    _shot(page, "stats")


def test_review_a_face_candidate(page: Any) -> None:
    page.goto("/faces")
    card = page.locator("article.pair").first
    assert "0.4123" in card.inner_text()
    _shot(page, "faces")
    card.locator("input[value=reject]").check()
    card.locator("textarea[name=reason]").fill("Different jawline and ear shape on close look")
    card.locator("button[type=submit]").click()
    page.wait_for_selector("#faces-empty")
    page.goto("/faces?status=rejected")
    assert page.locator("article.pair").count() == 1


def test_promote_a_contact(page: Any) -> None:
    page.goto("/intercept")
    _shot(page, "intercept")
    page.click("#conversations a")
    page.wait_for_selector("#promote-form")
    assert page.locator("#linked-ads li").count() == 2
    page.fill("#promote-form textarea[name=reason]", "Asked for a minor twice; matches ads 1 and 2")
    page.fill("#promote-form input[name=labels]", "buyer, repeat")
    page.click("#promote-form button[type=submit]")
    page.wait_for_selector("text=Subject, promoted by ana.analyst")
    _shot(page, "contact")


def test_cases_collect_an_ad_and_export_evidence(page: Any) -> None:
    page.goto("/cases")
    page.fill("input[name=title]", "Vegas phone ring")
    page.click("form[action='/cases'] button[type=submit]")
    page.fill("input[name=ref]", "2")
    page.click("form[action$='/items'] button[type=submit]")
    page.goto("/ads/1")
    page.fill("#file-in-case input[name=note]", "same phone as ad 2")
    page.click("#file-in-case button[type=submit]")
    page.wait_for_url("**/ads/1")
    page.goto("/cases")
    page.click("#cases a")
    assert page.locator("#case-items tbody tr").count() == 2
    _shot(page, "case")
    with page.expect_download() as download:
        page.click("#evidence-link")
    assert download.value.suggested_filename.endswith("-evidence.zip")


def test_save_a_search(page: Any) -> None:
    page.goto("/search?phone=702-555-0142")
    page.fill("#save-search input[name=name]", "Vegas phone")
    page.click("#save-search button[type=submit]")
    page.wait_for_selector("#saved-searches")
    assert "Vegas phone" in page.inner_text("#saved-searches")
    _shot(page, "saved")


def test_check_a_bot_script_version(page: Any) -> None:
    text = next(p for p in SHIPPED_SCRIPTS if p.stem == "example-en").read_text(encoding="utf-8")
    page.goto("/intercept/scripts")
    page.fill("#script-form textarea[name=script]", text.replace("version: 1\n", "version: 2\n"))
    page.click("#script-form button[type=submit]")
    page.wait_for_selector("#script-valid")
    assert "+version: 2" in page.inner_text("#script-diff")
    assert page.locator("#activate-denied").count() == 1  # an analyst checks, never activates
    _shot(page, "scripts")


def test_a_supervisor_activates_a_bot_script_version(supervisor_page: Any) -> None:
    page = supervisor_page
    text = next(p for p in SHIPPED_SCRIPTS if p.stem == "example-en").read_text(encoding="utf-8")
    page.goto("/intercept/scripts")
    page.fill("#script-form textarea[name=script]", text.replace("version: 1\n", "version: 2\n"))
    page.click("#script-form button[type=submit]")
    page.wait_for_selector("#activate-form")
    page.fill("#activate-form textarea[name=reason]", "Reviewed with legal; softer refusal wording")
    page.click("#activate-form button[type=submit]")
    page.wait_for_selector("#script-activated")
    assert "example-en@2" in page.inner_text("#campaigns")
    assert "sam.supervisor" in page.inner_text("#activations")
    _shot(page, "scripts-activated")


def test_tip_queue_and_a_lead(page: Any) -> None:
    report = {
        "ad": {"id": "L-1", "title": "New in town", "body": "Call 702-555-0142 tonight"},
        "account": {"account_id": "u1", "email": "u1@example.com"},
        "reason": "moderator flagged the ad",
    }
    headers = {"Authorization": f"Bearer {PLATFORM_KEYS[0]}"}
    filed = page.request.post("/api/v1/reports", data=report, headers=headers)
    assert filed.status == 202
    page.goto("/")
    page.click("nav >> text=Tips")
    page.wait_for_selector("#leads")
    assert page.locator("#leads tbody tr").count() == 1
    _shot(page, "tips")
    page.click("#lead-1 a")
    page.wait_for_selector("#tip-1")
    assert "listings" in page.inner_text("#tip-1 h3")
    assert "phone +17025550142" in page.inner_text("#identifiers")
    assert page.locator("#linked-ads li a[href^='/ads/']").count() == 2
    page.click("#assign-form button")
    page.wait_for_selector("#lead-assigned")
    assert page.inner_text("#lead-assigned") == "ana.analyst"
    _shot(page, "lead")
