"""The Content-Security-Policy in Chromium: the dashboards draw their charts (with Vega's
CSP-safe interpreter, no eval), tooltips work, the page scripts work, and the browser reports
no violation anywhere."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo

pytestmark = pytest.mark.django_db(transaction=True)

# Runs before any page script (Playwright injects it outside the page's policy).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} ${e.sample || ""}`);
});
"""


@pytest.fixture
def watched(page, live_server, sign_in):
    """Sign in to the demo; return a list collecting CSP complaints from the console."""
    build_demo()
    complaints: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda m: complaints.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda exc: complaints.append(f"page error: {exc}"))
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    return complaints


def _open(page, url: str) -> dict[str, list[str]]:
    """Open ``url``; return its Content-Security-Policy as {directive: [sources]}."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response is not None and response.ok, url
    header = response.headers.get("content-security-policy", "")
    return {name: sources for name, *sources in (p.split() for p in header.split(";") if p)}


def _strict(policy: dict[str, list[str]]) -> bool:
    return policy.get("script-src") == ["'self'"] and "'unsafe-eval'" not in str(policy)


def _no_violation(page, complaints: list[str]) -> None:
    assert page.evaluate("window.__csp") == []
    assert complaints == []


def test_the_flow_dashboard_draws_its_charts_with_no_csp_violation(page, live_server, watched):
    policy = _open(page, f"{live_server.url}/w/demo/delivery/")
    assert _strict(policy), policy
    try:
        page.wait_for_selector("[data-chart]:not([data-rendered='1'])", state="detached")
    except PlaywrightTimeout:
        failed = page.locator("[data-chart]:not([data-rendered='1'])").all_inner_texts()
        pytest.fail(f"charts not drawn: {failed}; CSP: {page.evaluate('window.__csp')}")
    assert page.locator("[data-chart] svg").count() >= 7
    # A tooltip shows, styled by the served vega-embed.css rather than an injected style.
    page.locator("#chart-throughput path[role=graphics-symbol]").nth(3).hover()
    page.wait_for_selector("#vg-tooltip-element.visible")
    tooltip = page.locator("#vg-tooltip-element")
    assert "week" in tooltip.inner_text()
    assert tooltip.evaluate("e => getComputedStyle(e).position") == "fixed"
    assert page.locator("style#vega-tooltip-style, style#vega-embed-style").count() == 0
    _no_violation(page, watched)


def test_every_area_and_its_scripts_work_with_no_csp_violation(page, live_server, watched):
    base = f"{live_server.url}/w/demo"
    for path in [
        "/",
        "/delivery/dora/",
        "/delivery/portfolio/",
        "/forecasts/",
        "/delivery/data/",
        "/delivery/workflow/",
        "/delivery/quality/",
        "/raid/",
        "/agreements/",
        "/changes/",
        "/jobs/",
        "/members/",
        "/audit/",
    ]:
        policy = _open(page, base + path)
        assert _strict(policy), path
        _no_violation(page, watched)
    # The team switcher (a static script now, not an inline handler) still navigates.
    with page.expect_navigation():
        page.select_option("#team-switch", label="Checkout")
    assert "team=checkout" in page.url
    # The decision log's status filter sends its form when changed.
    _open(page, f"{base}/decisions/")
    with page.expect_navigation():
        page.select_option("select[name=status]", "decided")
    assert "status=decided" in page.url
    # The API's own docs page (Swagger UI, served from the package) runs under the policy.
    _open(page, f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    _no_violation(page, watched)
