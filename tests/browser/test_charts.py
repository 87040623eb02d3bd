"""Charts a person can read and hover, pages that fit a phone, a heat map whose colours mean
something: the demo in Chromium, as a delivery lead would see it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from leadline.delivery.models import WorkItem
from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo

pytestmark = pytest.mark.django_db(transaction=True)

KEY = re.compile(r"\b[A-Z]+-\d+\b")
FILE = re.compile(r"(\.(csv|ics|json|pdf|png|svg)$|format=)")
DASHBOARDS = ["delivery/", "delivery/dora/", "forecasts/", "delivery/portfolio/"]


@pytest.fixture
def demo(page: Any, live_server: Any, sign_in: Any) -> tuple[Any, str, list[str]]:
    """Return (page, workspace URL, console messages): warnings and errors the page logs."""
    build_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    logged: list[str] = []
    page.on(
        "console",
        lambda m: logged.append(f"{m.type}: {m.text}") if m.type in ("warning", "error") else None,
    )
    page.on("pageerror", lambda e: logged.append(f"page error: {e}"))
    return page, f"{live_server.url}/w/demo/", logged


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "[...document.querySelectorAll('[data-chart]')].every(e => e.dataset.rendered === '1')"
    )


def _hover(page: Any, chart: str, mark: str | None = None) -> str:
    """Point at a mark of ``chart`` as a person would and return the tooltip's text.

    ``mark`` is the mark's role ("point", "bar", "tick"): the highest one is taken (an outlier
    point, the tallest bar). Without it the pointer goes to the middle of the plot, where lines
    and areas show the values of the day under the pointer.
    """
    page.mouse.move(0, 0)
    page.locator(f"[data-chart='{chart}']").evaluate("e => e.scrollIntoView({block: 'center'})")
    x, y = page.evaluate(
        """([chart, mark]) => {
          const root = document.querySelector(`[data-chart='${chart}']`);
          const marks = mark
            ? [...root.querySelectorAll(`[aria-roledescription='${mark}']`)]
            : [...root.querySelectorAll('.hover_marks path')];
          const rect = e => e.getBoundingClientRect();
          const el = mark
            ? marks.sort((a, b) => rect(a).top - rect(b).top)[0]
            : marks[Math.floor(marks.length / 2)];
          const r = rect(el || root.querySelector('svg'));
          const y = r.y + Math.min(r.height / 2, 60);
          // A rule (a percentile line) may lie over the mark's middle: point where the mark
          // itself is under the pointer, as a person would.
          for (const f of [0.5, 0.3, 0.7, 0.15, 0.85]) {
            const x = r.x + r.width * f;
            if (!el || el.contains(document.elementFromPoint(x, y))) return [x, y];
          }
          return [r.x + r.width / 2, y];
        }""",
        [chart, mark],
    )
    page.mouse.move(x - 5, y - 5)
    page.mouse.move(x, y)
    shown = page.locator("#vg-tooltip-element.visible")
    try:
        shown.wait_for(timeout=5000)
    except PlaywrightTimeout:
        pytest.fail(f"no tooltip when pointing at the {chart} chart")
    return str(shown.inner_text())


def test_every_chart_type_shows_what_its_point_means_and_the_dashboards_log_nothing(demo):
    page, base, logged = demo

    _open(page, base + "delivery/")
    cfd = _hover(page, "cfd")
    assert re.search(r"day\s+\d{1,2} \w{3} 20\d\d", cfd)
    for stage in ("Backlog", "Selected for Development", "In Progress", "Done"):
        assert re.search(rf"{stage}\s+\d+", cfd), (stage, cfd)
    assert re.search(r"WIP at the end of the day\s+\d+", _hover(page, "wip"))
    assert re.search(r"items finished\s+\d+", _hover(page, "throughput", "bar"))
    scatter = _hover(page, "scatter", "point")
    key = KEY.search(scatter)
    assert key, scatter
    assert WorkItem.objects.get(key=key.group()).title in scatter
    for label in ("started", "finished", "cycle time (days)"):
        assert label in scatter, scatter
    assert re.search(r"cycle time\s+\d+ days?", _hover(page, "histogram", "bar"))
    assert "percentile" in _hover(page, "trend", "point")
    aging = _hover(page, "aging", "point")
    assert KEY.search(aging) and re.search(r"age \(days\)\s+\d+", aging), aging
    assert "stage" in aging

    _open(page, base + "delivery/dora/")
    lead = _hover(page, "trend-lead_time_for_changes", "point")
    assert re.search(r"month\s+\w+ 20\d\d", lead), lead
    assert re.search(r"Lead time for changes \((days|hours|minutes)\)\s+[\d.,]+", lead), lead
    assert re.search(
        r"Change failure rate\s+[\d.]+%", _hover(page, "trend-change_failure_rate", "point")
    )
    timeline = _hover(page, "timeline", "tick")
    assert "what followed" in timeline and "service" in timeline

    _open(page, base + "forecasts/")
    assert re.search(r"trials\s+[\d,]+", _hover(page, "when", "bar"))
    assert "came true" in _hover(page, "calibration", "point")

    _open(page, base + "delivery/portfolio/")
    assert re.search(r"team\s+\w+", _hover(page, "throughput", "bar"))
    assert re.search(r"WIP at the end of the day\s+\d+", _hover(page, "wip"))

    assert logged == []


def test_the_dashboards_log_no_warning_at_either_width(demo):
    page, base, logged = demo
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in DASHBOARDS:
            _open(page, base + path)
            assert logged == [], (width, path)


def _main_pages(page: Any, base: str) -> list[str]:
    """Return the pages a person reaches from the navigation, the section tabs and the first
    RAID item and decision."""
    pages: list[str] = []

    def collect(selector: str) -> None:
        for href in page.eval_on_selector_all(selector, "els => els.map(e => e.href)"):
            if href.startswith(base) and href not in pages:
                pages.append(href)

    page.goto(base)
    collect(".sidebar a[href]")
    for section in ("delivery/", "raid/"):
        page.goto(base + section)
        collect(".tabs a[href], .gov-tabs a[href]")
    for listing, item in (("raid/", "[data-register] a[href]"), ("decisions/", "table a[href]")):
        page.goto(base + listing)
        page.wait_for_load_state("networkidle")
        collect(f"{item} >> nth=0")
    return pages


def test_the_main_pages_fit_a_phone_screen(demo):
    page, base, _ = demo
    page.set_viewport_size({"width": 390, "height": 844})
    pages = _main_pages(page, base)
    assert len(pages) >= 20
    wide = {}
    seen = set(pages)
    for url in pages:  # grows by the pages the buttons lead to (forms), one level deep
        page.goto(url)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > 390:
            wide[url] = width
        if len(seen) < 80:
            for href in page.eval_on_selector_all(
                ".content a.btn[href]:not([download])", "els => els.map(e => e.href)"
            ):
                if href.startswith(base) and href not in seen and not FILE.search(href):
                    seen.add(href)
                    pages.append(href)
    assert wide == {}
    page.screenshot(path="/tmp/charts-raid-390.png", full_page=True)


def _luminance(css: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_heat_map_shows_its_hottest_cells_darkest_and_labels_its_axes(demo):
    page, base, _ = demo
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(base + "raid/")

    def colour(cell: str) -> float:
        return _luminance(
            page.locator(f"[data-cell='{cell}']").evaluate(
                "e => getComputedStyle(e).backgroundColor"
            )
        )

    # Scores 25, 16, 9, 4 and 1 along the diagonal: each band darker than the one below it.
    diagonal = [colour(f"{n}x{n}") for n in (5, 4, 3, 2, 1)]
    assert diagonal == sorted(diagonal) and len(set(diagonal)) == 5, diagonal
    # The hottest corner does not look like its neighbours (15 = 5×3, 16 = 4×4).
    assert colour("5x5") < colour("5x3") and colour("5x5") < colour("4x4")

    def box(selector: str) -> dict[str, float]:
        return page.locator(selector).bounding_box()

    def middle(b: dict[str, float]) -> tuple[float, float]:
        return b["x"] + b["width"] / 2, b["y"] + b["height"] / 2

    heat = "[data-heatmap]"
    for impact in range(1, 6):  # each impact label sits level with its row
        label = box(f"{heat} th[scope=row]:text-is('{impact}')")
        assert abs(middle(label)[1] - middle(box(f"[data-cell='1x{impact}']"))[1]) < 2
    for probability in range(1, 6):  # each probability label sits under its column
        label = box(f"{heat} th[scope=col]:text-is('{probability}')")
        cell = box(f"[data-cell='{probability}x1']")
        assert abs(middle(label)[0] - middle(cell)[0]) < 2 and label["y"] > cell["y"]
    title = box(f"{heat} th:has-text('Probability')")
    assert abs(middle(title)[0] - middle(box("[data-cell='3x1']"))[0]) < 2
    assert title["y"] > box(f"{heat} th[scope=col]:text-is('3')")["y"]
    impact = box(f"{heat} th:has-text('Impact')")
    assert impact["x"] + impact["width"] <= box(f"{heat} th[scope=row]:text-is('3')")["x"] + 1
