"""The scorecard draws a sparkline per KPI and the benefits roadmap its expected-vs-actual
chart, and a milestone is edited from the roadmap, in a real browser, with no
Content-Security-Policy violation."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} ${e.sample || ""}`);
});
"""


def test_the_scorecard_and_the_benefits_roadmap_draw_their_charts(
    page, live_server, sign_in, make_user, make_workspace
):
    from leadline.outcomes import plans, values
    from leadline.workspaces.models import Function
    from leadline.workspaces.services import access_for

    lead = make_user("out-lead")
    ws = make_workspace("Outcome Co", {lead: "lead"})
    access = access_for(lead, ws.slug)
    product = Function.objects.get_or_create(workspace=ws, name="Product")[0]
    it = Function.objects.get_or_create(workspace=ws, name="IT")[0]
    kpi = values.save_kpi(access, {"name": "Time to delivery", "unit": "days",
                                     "direction": "lower", "target_value": 5,
                                     "functions": [product.pk, it.pk]})  # fmt: skip
    values.record_values(access, kpi, [("2026-01-31", 40), ("2026-02-28", 20), ("2026-03-31", 9)])
    release = plans.create_milestone(access, {"name": "Release 2", "target_date": "2027-03-01",
                                              "item_keys": ["OC-1"]})  # fmt: skip
    benefit = plans.create_benefit(access, {"description": "Faster delivery", "kpi": kpi.pk,
                                            "points": [("2026-01-01", 40, None),
                                                       ("2026-06-01", 5, release.pk)]})  # fmt: skip
    page.add_init_script(RECORD_VIOLATIONS)
    logged: list[str] = []
    page.on("console", lambda m: logged.append(m.text) if m.type in ("warning", "error") else None)
    sign_in(page, "out-lead", PASSWORD)
    page.goto(f"{live_server.url}/w/{ws.slug}/outcomes/")
    spark = page.locator(f'[data-chart="kpi-{kpi.pk}"]')
    spark.locator("svg").wait_for()
    assert spark.get_attribute("data-rendered") == "1"
    assert page.locator("[data-shared]").count() == 1
    # 9 days against 5 with no target date: short of the target, so at risk.
    assert "At risk" in page.locator(f'tr[data-kpi="{kpi.pk}"]').inner_text()
    page.goto(f"{live_server.url}/w/{ws.slug}/outcomes/benefits/")
    chart = page.locator('[data-chart^="benefit-"]')
    chart.locator("svg").wait_for()
    page.wait_for_selector('[data-chart^="benefit-"][data-rendered="1"]')
    # Three series drawn: expected, moved by the forecast, actual (the legend names them).
    legend = chart.inner_text()
    assert "Expected" in legend and "Actual" in legend
    assert page.evaluate("window.__csp") == []
    # From the roadmap to the milestone's page, and its target date edited there.
    page.click(f'tr[data-milestone="{release.pk}"] a')
    page.wait_for_selector("form[data-edit-milestone]")
    assert "Faster delivery" in page.locator("[data-tied]").inner_text()
    page.fill("form[data-edit-milestone] input[name=target_date]", "2027-04-15")
    page.click("form[data-edit-milestone] button[type=submit]")
    page.wait_for_selector(".messages li.success")
    assert "target date changed" in page.locator(".messages").inner_text()
    assert "15 Apr 2027" in page.locator("[data-forecast]").inner_text()
    release.refresh_from_db()
    assert release.target_date.isoformat() == "2027-04-15"
    # Saved again as it is: nothing changes, and the page says so.
    page.click("form[data-edit-milestone] button[type=submit]")
    page.wait_for_selector(".messages li.info")
    assert "Nothing changed" in page.locator(".messages").inner_text()
    # The benefit's page draws its chart too.
    page.goto(f"{live_server.url}/w/{ws.slug}/outcomes/benefits/{benefit.pk}/")
    page.wait_for_selector(f'[data-chart="benefit-{benefit.pk}"][data-rendered="1"]')
    assert page.evaluate("window.__csp") == []
    # A phone: no page scrolls sideways (wide tables scroll inside themselves).
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("outcomes/", f"outcomes/kpis/{kpi.pk}/", "outcomes/benefits/",
                 f"outcomes/milestones/{release.pk}/", f"outcomes/milestones/{release.pk}/delete/",
                 f"outcomes/benefits/{benefit.pk}/", f"outcomes/benefits/{benefit.pk}/delete/"):  # fmt: skip
        page.goto(f"{live_server.url}/w/{ws.slug}/{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    assert logged == []
