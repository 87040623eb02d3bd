"""The dashboards in Chromium: charts render offline from the vendored Vega, definitions show,
filters and the forecast form work. Each test takes one screenshot to /tmp for a human look."""

from __future__ import annotations

import pytest

from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo

pytestmark = pytest.mark.django_db(transaction=True)

RENDERED = ".vega-embed svg"


def _open(page, live_server, sign_in, path: str) -> None:
    build_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    # Any request leaving the test server would mean a CDN: fail it loudly.
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/w/demo/{path}")
    page.wait_for_selector(RENDERED)
    page.wait_for_load_state("networkidle")
    assert outside == []


def _all_charts_rendered(page) -> None:
    # Not wait_for_function: its polling evaluates a string in the page, which the page's
    # Content-Security-Policy (no eval) forbids. Selectors run outside the page's scripts.
    page.wait_for_selector("[data-chart]:not([data-rendered='1'])", state="detached")


def test_flow_dashboard_draws_every_chart_and_filters_by_type(page, live_server, sign_in):
    _open(page, live_server, sign_in, "delivery/")
    _all_charts_rendered(page)
    charts = page.locator("[data-chart]").count()
    assert charts >= 7  # cfd, wip, throughput, scatter, histogram, trend, aging
    assert "whole calendar days inclusive" in page.locator("[data-definition=scatter]").inner_text()
    assert page.locator("[data-quality-note]").count() >= charts
    page.locator("[data-stat=wip]").inner_text()
    page.screenshot(path="/tmp/dash-flow.png", full_page=True)
    page.check("input[name=type][value=Bug]")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**type=Bug**")
    page.wait_for_selector(RENDERED)
    assert page.locator("input[name=type][value=Bug]").is_checked()
    # Tooltips are live: hovering a throughput bar shows the week's count.
    page.locator("#chart-throughput path[role=graphics-symbol]").nth(3).hover()
    page.wait_for_selector("#vg-tooltip-element.visible")
    assert "week" in page.locator("#vg-tooltip-element").inner_text()


def test_dora_page_shows_tiers_trends_and_the_attribution_window(page, live_server, sign_in):
    _open(page, live_server, sign_in, "delivery/dora/")
    _all_charts_rendered(page)
    assert page.locator("[data-chart^=trend-]").count() == 6
    assert "DORA 2023" in page.locator(".lede").inner_text()
    assert page.locator("[data-tier]").count() >= 3
    assert "within 24 h" in page.locator("[data-metric=change_failure_rate]").inner_text()
    page.screenshot(path="/tmp/dash-dora.png", full_page=True)
    page.fill("input[name=window]", "72")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**window=72**")
    page.wait_for_selector(RENDERED)
    assert "within 72 h" in page.locator("[data-metric=change_failure_rate]").inner_text()


def test_forecast_form_answers_for_two_teams_together(page, live_server, sign_in):
    _open(page, live_server, sign_in, "forecasts/")
    _all_charts_rendered(page)
    assert page.locator("[data-chart=calibration]").count() == 1
    page.select_option("select[name=teams]", ["checkout", "mobile"])
    page.fill("input[name=items]", "35")
    page.click("#forecast-form button[type=submit]")
    page.wait_for_url("**items=35**")
    page.wait_for_selector(RENDERED)
    _all_charts_rendered(page)
    assert "Checkout + Mobile" in page.locator("h1").inner_text()
    assert "When will 35 items be done?" in page.locator("[data-answer=when]").inner_text()
    inputs = page.locator("[data-inputs]").inner_text()
    assert "Seed" in inputs and "10000" in inputs.replace(",", "")
    assert page.locator("[data-table=forecast] tbody tr").count() == 4
    page.screenshot(path="/tmp/dash-forecasts.png", full_page=True)


def test_portfolio_sorts_teams_and_draws_small_multiples(page, live_server, sign_in):
    _open(page, live_server, sign_in, "delivery/portfolio/")
    _all_charts_rendered(page)
    assert page.locator("[data-table=portfolio] tbody tr").count() == 4
    page.screenshot(path="/tmp/dash-portfolio.png", full_page=True)
    page.click("a[data-sort=wip]")
    page.wait_for_url("**sort=wip**")
    page.click("a[data-sort=wip]")
    page.wait_for_url("**sort=-wip**")
    wips = [
        int(t)
        for t in page.locator("[data-table=portfolio] tbody td:nth-child(2)").all_inner_texts()
    ]
    assert wips == sorted(wips, reverse=True)
