"""Scope belongs in the URL: switching team keeps the page's date range; navigation carries it."""

from __future__ import annotations

import pytest

from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo

pytestmark = pytest.mark.django_db(transaction=True)


def test_switching_team_keeps_the_range_and_the_navigation_carries_the_team(
    page, live_server, sign_in
):
    build_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/w/demo/delivery/")
    # Choose a date range through the page's own filter form.
    page.fill("form.filters input[name=start]", "2025-01-06")
    page.fill("form.filters input[name=end]", "2025-03-30")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "start=2025-01-06" in page.url
    # Switch team in the top bar: the range stays.
    with page.expect_navigation():
        page.select_option("#team-switch", label="Mobile")
    page.wait_for_load_state("networkidle")
    assert "team=mobile" in page.url
    assert page.locator("form.filters input[name=start]").input_value() == "2025-01-06"
    assert page.locator("form.filters input[name=end]").input_value() == "2025-03-30"
    assert page.locator("h1").inner_text() == "Flow for Mobile"
    # Applying the filters again keeps the team (the form sends it back).
    page.fill("form.filters input[name=start]", "2025-02-03")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "team=mobile" in page.url and page.locator("h1").inner_text() == "Flow for Mobile"
    # Another page through the navigation: the team comes along, in the URL.
    page.click("a[data-nav=raid]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/w/demo/raid/?team=mobile")
    assert page.locator("#team-switch").input_value() == "mobile"
    assert page.locator("form[aria-label=Filters] select[name=team]").input_value() == "mobile"
    # Open a page without a team in its URL: all teams, whatever was chosen before.
    page.goto(f"{live_server.url}/w/demo/delivery/")
    assert page.locator("#team-switch").input_value() == ""
    assert page.locator("h1").inner_text() == "Flow for all teams"
