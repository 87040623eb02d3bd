"""The before/after page in Chromium: the chart draws the observations, both segments, the
detected change and the announced date, under the CSP; changing the metric redraws it."""

from __future__ import annotations

import pytest

from leadline.impact.models import Change
from leadline.workspaces.models import Team
from tests.conftest import PASSWORD
from tests.impact.conftest import CHANGE, release_records

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def northwind(make_user, make_workspace):
    from leadline.delivery.imports import import_records

    member = make_user("mia")
    ws = make_workspace("Northwind", {member: "member"})
    team = Team.objects.create(workspace=ws, slug="checkout", name="Checkout")
    import_records(ws, release_records(), team=team)
    Change.objects.create(workspace=ws, title="Fortnightly releases", date=CHANGE)
    return ws


def _rendered(page) -> None:
    page.wait_for_function(
        "[...document.querySelectorAll('[data-chart]')].every(e => e.dataset.rendered === '1')"
    )


def test_the_before_after_chart_marks_the_detected_change_and_both_segments(
    page, live_server, sign_in, northwind
):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, "mia", PASSWORD)
    page.goto(f"{live_server.url}/w/{northwind.slug}/before-after/?end=2025-12-31")
    _rendered(page)
    figure = page.locator("#chart-before-after")
    assert figure.get_attribute("data-detected-at") == "2025-06-09"
    assert figure.get_attribute("data-announced") == CHANGE.isoformat()
    chart = page.locator("[data-chart='before-after']")
    # Drawn at the card's width (a chart sized to a zero-width wrapper draws nothing visible).
    assert chart.locator("svg").bounding_box()["width"] > 600
    # Vega names each mark's group after the layer: the red rule of the detected change, the
    # dashed one of the announcement, and one fitted line per segment.
    assert chart.locator("g.detected_marks line, g.detected_marks path").count() == 1
    assert chart.locator("g.announced_marks line, g.announced_marks path").count() == 1
    assert chart.locator("g.segments_marks").count() == 2  # a line per segment
    assert chart.locator("g.observations_marks path").count() == 19  # 4 before, 15 after
    assert chart.locator("g.detected_label_marks text").text_content() == "detected 2025-06-09"
    assert page.locator("[data-side=before] [data-n]").inner_text() == "4"
    assert "105" in page.locator("[data-side=before] .stat").inner_text()

    page.select_option("[data-analysis-form] select[name=metric]", "downtime_per_release_hours")
    with page.expect_navigation():
        page.locator("[data-analysis-form] button[type=submit]").click()
    _rendered(page)
    assert "7" in page.locator("[data-side=before] .stat").inner_text()
    assert page.locator("[data-side=after] .stat").inner_text().startswith("0")
    assert not errors, errors


@pytest.mark.parametrize(("scheme", "width"), [("light", 1440), ("dark", 390)])
def test_the_before_after_page_meets_wcag_and_fits_a_phone(
    page, live_server, sign_in, northwind, scheme, width
):
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.test_accessibility import CHART_TEXT, violations

    logged: list[str] = []
    page.on("console", lambda m: logged.append(m.text) if m.type in ("warning", "error") else None)
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "mia", PASSWORD)
    page.goto(f"{live_server.url}/w/{northwind.slug}/before-after/?end=2025-12-31")
    _rendered(page)
    assert violations(Axe(), page) + page.evaluate(CHART_TEXT) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not logged, logged
