"""The charts of a status pack.

A section's builder picks Vega-Lite specs from the dashboards' own builders (flow, forecast,
DORA, portfolio) or the owning app's (outcomes: milestones, benefits) at the moment the pack's
data is taken, and the pack stores them in its frozen sections with their data inline. They
are drawn from there and nowhere else: on the page by the dashboards' script
(``leadline/charts.js``), in the PDF as SVG drawn offline by vl-convert. So a published pack's
chart never changes when later data arrives, and nothing is fetched to draw it.

Each spec carries its title and its definition (the spec's description), as every chart of the
product does; the page and the PDF print both beside the drawing.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from typing import Any

logger = logging.getLogger(__name__)

# The charts a section shows, by the name its dashboard gives them, in order.
FLOW = ("throughput", "wip", "aging")
FORECAST = ("when",)
DORA = (
    "trend-deployment_frequency",
    "trend-lead_time_for_changes",
    "trend-change_failure_rate",
    "trend-recovery_time",
)
PORTFOLIO = ("throughput",)
MAX_CHARTS = 8  # per section (one per benefit at most: the rest are in the outcomes pages)


def has_data(spec: Mapping[str, Any]) -> bool:
    """Whether the chart has something to draw: rows in its data or in its first layer's (the
    other layers are percentile lines and hover columns)."""
    if (spec.get("data") or {}).get("values"):
        return True
    layers = spec.get("layer") or []
    return bool(layers and ((layers[0].get("data") or {}).get("values")))


def pick(specs: Mapping[str, dict[str, Any]], names: Sequence[str]) -> list[dict[str, Any]]:
    """The specs ``names`` that exist and have data, in that order."""
    return [specs[n] for n in names if n in specs and has_data(specs[n])][:MAX_CHARTS]


def flow(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Weekly throughput, WIP at the end of each day and aging WIP: the flow page's charts."""
    from leadline.dashboards.charts import flow_charts

    return pick(flow_charts(data), FLOW)


def forecast(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The "when will the work in progress be done?" outcomes: the forecasts page's chart."""
    from leadline.dashboards.forecast_charts import forecast_charts

    return pick(forecast_charts(data), FORECAST)


def dora(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each DORA metric per month: the DORA page's trend charts (none without a production
    deployment in the range: a line of zeros says nothing the section's items do not)."""
    from leadline.dashboards.dora_charts import dora_charts

    if not data["range"].get("production_deployments"):
        return []
    return pick(dora_charts(data), DORA)


def portfolio(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Weekly throughput by team: the portfolio page's small multiples."""
    from leadline.dashboards.portfolio_charts import portfolio_charts

    return pick(portfolio_charts(data), PORTFOLIO)


def title_of(spec: Mapping[str, Any]) -> str:
    title = spec.get("title") or ""
    return str(title.get("text", "") if isinstance(title, dict) else title)


def definition_of(spec: Mapping[str, Any]) -> str:
    return str(spec.get("description") or "")


def for_page(
    sections: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, list[dict[str, str]]], dict[str, Any]]:
    """Return ({section key: [{name, title, definition}]}, {name: spec}): what the page prints
    beside each chart, and the specs its script draws (``#metrics-charts``)."""
    shown: dict[str, list[dict[str, str]]] = {}
    specs: dict[str, Any] = {}
    for s in sections:
        for n, spec in enumerate(s.get("charts") or []):
            name = f"{s['key']}-{n + 1}"
            specs[name] = spec
            shown.setdefault(s["key"], []).append(
                {"name": name, "title": title_of(spec), "definition": definition_of(spec)}
            )
    return shown, specs


def svg(spec: Mapping[str, Any]) -> bytes:
    """The chart drawn as SVG offline (vl-convert), without its title and definition: the
    printed pack sets both as text beside it, as the page does."""
    from leadline.charts.images import render_chart

    bare = {k: v for k, v in spec.items() if k not in ("title", "description")}
    return render_chart(bare, "svg")


def for_print(sections: Sequence[Mapping[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """Return {section key: [{title, definition, src}]}: each chart as an SVG ``data:`` URL for
    the PDF (the only kind of address its renderer opens), or an empty ``src`` with the reason
    when it could not be drawn."""
    out: dict[str, list[dict[str, str]]] = {}
    for s in sections:
        for spec in s.get("charts") or []:
            chart = {"title": title_of(spec), "definition": definition_of(spec), "src": ""}
            try:
                chart["src"] = "data:image/svg+xml;base64," + base64.b64encode(svg(spec)).decode()
            except Exception:  # one chart must not stop the pack's PDF
                logger.exception("Pack chart %r could not be drawn", chart["title"])
            out.setdefault(s["key"], []).append(chart)
    return out
