"""The forecast page's epics: typed into the form in priority order, answered as a table that
states its assumption; an unknown key is named. One screenshot to /tmp for a human look."""

from __future__ import annotations

import pytest

from leadline.dashboards.forecasts import epic_remaining
from leadline.dashboards.scope import parse_scope
from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_forecast_form_answers_for_epics_in_order(page, live_server, sign_in):
    ctx = build_demo()
    from leadline.delivery.services import epic_keys

    scope = parse_scope(ctx.workspace, ctx.teams["checkout"], {})
    keys = [k for k in epic_keys(ctx.workspace) if k.startswith("CHK")]
    rows = epic_remaining(scope, keys)
    open_epics = [r["key"] for r in rows if r["remaining"]][:3]
    assert len(open_epics) >= 2, rows
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/w/demo/forecasts/?teams=checkout&trials=2000")
    page.fill("input[name=epics]", ",".join(open_epics))
    page.click("#forecast-form button[type=submit]")
    page.wait_for_selector("[data-table=epics]")
    shown = page.locator("[data-table=epics] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.epic)"
    )
    assert shown == open_epics
    assert "in the order given" in page.locator("[data-definition=epics]").inner_text()
    assert page.locator("[data-table=forecast] tbody tr").count() == 4  # the plain answers stay
    page.screenshot(path="/tmp/dash-forecast-epics.png", full_page=True)
    page.fill("input[name=epics]", f"{open_epics[0]},NOPE-1")
    page.click("#forecast-form button[type=submit]")
    page.wait_for_url("**NOPE-1**")
    assert "NOPE-1" in page.content() and page.locator("[data-table=epics]").count() == 0
