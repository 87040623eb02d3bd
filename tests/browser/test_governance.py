"""Governance pages in Chromium: log a risk, route a cross-domain decision, ask who decides."""

from __future__ import annotations

import pytest

from leadline.decisions.models import Decision
from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo
from leadline.raid.models import RaidItem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(page, live_server, sign_in):
    build_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    return live_server.url


def test_log_a_risk_and_see_it_in_the_register_and_heat_map(page, demo):
    page.goto(f"{demo}/w/demo/raid/")
    before = int(page.locator("[data-cell='5x5']").inner_text() or 0)
    page.click("text=Log an item")
    page.select_option("#raid-form select[name=kind]", "risk")
    page.fill("#raid-form input[name=title]", "Browser-logged risk")
    page.select_option("#raid-form select[name=probability]", "5")
    page.select_option("#raid-form select[name=impact]", "5")
    page.select_option("#raid-form select[name=owner]", label="Ben Okafor")
    page.click("#raid-form button[type=submit]")
    page.wait_for_url(f"{demo}/w/demo/raid/")
    assert "Browser-logged risk" in page.locator("[data-register]").inner_text()
    cell = page.locator("[data-cell='5x5']")
    assert int(cell.inner_text()) == before + 1
    cell.click()
    page.wait_for_load_state("networkidle")
    assert "probability=5" in page.url
    rows = page.locator("[data-register] tr[data-item]")
    assert rows.count() == before + 1
    assert RaidItem.objects.filter(title="Browser-logged risk", probability=5, impact=5).exists()


def test_create_a_cross_domain_decision_and_see_it_routed_to_triage(page, demo):
    page.goto(f"{demo}/w/demo/decisions/")
    page.fill("#decision-form input[name=title]", "Browser cross-domain decision")
    page.check("#decision-form label[for^=id_domains_]:has-text('User experience') input")
    page.check("#decision-form label[for^=id_domains_]:has-text('Architecture') input")
    page.click("#decision-form button[type=submit]")
    page.wait_for_url(f"{demo}/w/demo/decisions/*/")
    routed = page.locator("[data-routed]").first
    assert routed.get_attribute("data-routed") == "triage"
    assert "Triage group (Nadia Ivanova, Olivia Grant, Peter Novak)" in routed.inner_text()
    assert Decision.objects.get(title="Browser cross-domain decision").routed_kind == "triage"


def test_who_decides_answers_and_shows_gaps(page, demo):
    page.goto(f"{demo}/w/demo/decisions/")
    page.click("text=Who decides?")
    page.fill("input[name=q]", "compliance")
    page.click("form[role=search] button")
    page.wait_for_load_state("networkidle")
    row = page.locator("tr[data-domain='Compliance']")
    assert "Rosa Jimenez" in row.inner_text() and "Kwame Mensah" in row.inner_text()
    assert page.locator("tr[data-domain]").count() == 1
    assert "Data governance: no decider" in page.locator("[data-gaps]").inner_text()
