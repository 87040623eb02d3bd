"""The concentration pages of the demo in Chromium: the area table with the single-author
loyalty area (which Amira Haddad alone reviews), the areas one person reviews, its authors,
"if Ben Okafor leaves"; each passes axe's WCAG 2 A/AA rules and
raises no script error (the pages have no script of their own: CSP)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo
from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_shows_loyalty_known_by_one_person_and_what_his_leaving_does(
    page, live_server, sign_in
):
    build_demo()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    axe = Axe()
    page.click("a[data-nav=concentration]")
    page.wait_for_load_state("networkidle")
    row = page.locator('tr[data-area="northwind-shop/loyalty"]')
    assert row.locator("td").nth(2).inner_text() == "1"
    assert "Ben Okafor (4)" in row.inner_text()
    assert row.locator("td[data-one-reviewer]").inner_text() == "Amira Haddad, 5 of 5"
    reviewed = page.locator("table[data-review-areas] tbody tr")
    assert reviewed.count() == 2
    assert (
        "Hugo Laurent"
        in page.locator('tr[data-review-area="northwind-shop/payments"]').inner_text()
    )
    assert violations(axe, page) == []
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the tables scroll inside
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations(axe, page) == []  # contrast in the dark scheme too
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1280, "height": 800})
    with page.expect_navigation():
        row.locator("a").first.click()
    assert page.locator("h1").inner_text() == "northwind-shop/loyalty"
    assert (
        "Amira Haddad reviewed 5 of the 5 changes"
        in page.locator("[data-one-reviewer]").inner_text()
    )
    assert violations(axe, page) == []
    with page.expect_navigation():
        page.click("text=If Ben Okafor leaves")
    assert page.locator("h1").inner_text() == "If Ben Okafor leaves"
    last = page.locator("tr[data-last-author]")
    assert last.count() == 1 and "northwind-shop/loyalty" in last.inner_text()
    assert violations(axe, page) == []
    assert errors == []
