"""Every page of the demo passes axe-core's WCAG 2 A and AA rules (2.0, 2.1 and 2.2).

axe-core runs in Chromium on each page of the walk (tests/browser/crawl.py) after its charts are
drawn: once in the light colour scheme at a desktop width, once in the dark one at a phone width
(where tables scroll inside their cards), so both colour schemes and both layouts are checked. The engine is the copy of axe-core vendored in the
pinned axe-playwright-python package: nothing is fetched at run time.

axe leaves the contrast of text inside SVG undecided ("incomplete": it cannot tell what is behind
it), so the text Vega draws in charts (axis labels and titles, legends, labels on marks) is
checked here against the chart's background with the same WCAG formula and the same 4.5:1.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo
from tests.browser.crawl import DEMO_WITHIN, MISSING, demo_starts, settle, shoot, walk

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]}


def violations(axe: Axe, page: Any) -> list[str]:
    """Return one line per element that breaks a rule: rule, element and what is wrong."""
    found = []
    for rule in axe.run(page, options=OPTIONS).response["violations"]:
        for node in rule["nodes"]:
            why = (node.get("failureSummary") or "").replace("\n", " ")
            found.append(f"{rule['id']} ({rule['help']}) at {' '.join(node['target'])}: {why}")
    return found


# Each visible <text> of a chart whose contrast with the chart's background is below 4.5:1.
CHART_TEXT = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => {
    const [r, g, b] = rgb(c).slice(0, 3).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
  const backOf = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (rgb(c).length === 3 || rgb(c)[3] > 0) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const low = [];
  document.querySelectorAll('[data-chart] svg text').forEach(t => {
    const style = getComputedStyle(t);
    if (!t.textContent.trim() || style.visibility === 'hidden') return;
    let shown = 1;
    for (let e = t; e && e.tagName !== 'svg'; e = e.parentElement) {
      shown *= Number(getComputedStyle(e).opacity) * Number(getComputedStyle(e).fillOpacity);
    }
    if (shown === 0) return;
    const back = backOf(t.closest('svg'));
    const r = ratio(style.fill, back);
    if (shown < 1 || r < 4.5) {
      const chart = t.closest('[data-chart]').dataset.chart;
      low.push(`chart text ${chart}: "${t.textContent.trim()}" ${style.fill}` +
               ` on ${back}, ${r.toFixed(2)}:1, opacity ${shown}`);
    }
  });
  return low;
}"""


@pytest.mark.parametrize(("scheme", "width"), [("light", 1440), ("dark", 390)])
def test_every_page_of_the_demo_meets_wcag_2_a_and_aa(page, live_server, sign_in, scheme, width):
    build_demo()
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 900})
    axe = Axe()
    failures: dict[str, list[str]] = {}

    def check(url: str) -> None:
        found = violations(axe, page) + page.evaluate(CHART_TEXT)
        if found:
            failures[url] = found + [f"screenshot: {shoot(page, url, f'axe-{scheme}-{width}')}"]

    for path in ("/accounts/login/", "/accounts/password-reset/"):  # before signing in
        page.goto(live_server.url + path)
        settle(page)
        check(live_server.url + path)
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    pages = 0
    for url in walk(page, live_server.url, demo_starts(), DEMO_WITHIN, missing=[MISSING]):
        pages += 1
        check(url)
    assert pages >= 35, f"the walk reached only {pages} pages"
    report = "\n".join(f"{url}\n  " + "\n  ".join(lines) for url, lines in failures.items())
    assert not failures, f"WCAG 2 A/AA violations ({scheme} colour scheme, {width} px):\n{report}"
