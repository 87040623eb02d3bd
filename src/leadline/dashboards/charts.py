"""Vega-Lite specs of the flow dashboard, built from the service's result, and the helpers the
other pages' charts share (:mod:`.dora_charts`, :mod:`.forecast_charts`,
:mod:`.portfolio_charts`).

The flow charts are the ``leadline analyze`` report's builders (``leadline.charts.specs``);
the charts only the pages have (WIP, percentile trend, DORA, forecasts, portfolio) use the same
``chart_spec`` base, so every chart carries its definition as its description.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
from django.conf import settings

from leadline.charts.specs import (
    PERCENTILE_COLORS,
    aging_spec,
    cfd_spec,
    chart_spec,
    date_tip,
    histogram_spec,
    hover_layer,
    scatter_spec,
    throughput_spec,
    tip,
    with_next,
)


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, infer_schema_length=None)


def iso_fields(rows: list[dict[str, Any]], *fields: str) -> list[dict[str, Any]]:
    return [{**r, **{f: r[f].isoformat() if r.get(f) else None for f in fields}} for r in rows]


def flow_charts(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the flow dashboard's specs by name (none when there is nothing finished or open)."""
    if not data["cfd"]:
        return {}
    stages = [s["name"] for s in data["stages"]]
    defs = data["definitions"]
    charts: dict[str, dict[str, Any]] = {}
    charts["cfd"] = {**cfd_spec(_rebased(data), stages), "description": defs["cfd"] + REBASED}
    day = {"field": "day", "type": "temporal", "title": "day"}
    charts["wip"] = chart_spec(
        "WIP at the end of each day",
        defs["wip"],
        with_next(iso_fields(data["wip_daily"], "day"), "day"),
        encoding={"x": day},
        layer=[
            {
                "mark": {"type": "line", "interpolate": "step-after"},
                "encoding": {
                    "y": {"field": "wip", "type": "quantitative", "title": "items in progress"}
                },
            },
            hover_layer(
                day,
                [
                    date_tip("day", "day"),
                    tip("wip", "WIP at the end of the day"),
                    tip("arrivals", "started that day"),
                    tip("departures", "finished or removed that day"),
                ],
            ),
        ],
    )
    if data["throughput_weekly"]:
        charts["throughput"] = {
            **throughput_spec(_frame(data["throughput_weekly"])),
            "description": defs["throughput"],
        }
    cycle = _frame(data["cycle_times"]) if data["cycle_times"] else None
    if cycle is not None and data.get("measure", {}).get("name") == "lead_time":
        cycle = cycle.with_columns(cycle_time_days=pl.col("lead_time_days"))  # see _as_lead_time
    pct = {k: v for k, v in data["percentiles"].items() if k != "count"}
    if cycle is not None:
        charts["scatter"] = _sqrt_y(scatter_spec(cycle, pct, inclusive=True, tz=settings.TIME_ZONE))
        charts["scatter"]["description"] = defs["cycle_time"] + PERCENTILE_LINES
        charts["histogram"] = histogram_spec(cycle, True, defs["histogram"])
    if data["percentile_trend"]:
        long = [
            {"window_end": r["window_end"].isoformat(), "percentile": k, "days": r[k]}
            for r in data["percentile_trend"]
            for k in ("p50", "p70", "p85", "p95")
            if r.get(k) is not None
        ]
        charts["trend"] = chart_spec(
            "Cycle-time percentiles, 4-week rolling",
            defs["percentiles"],
            long,
            mark={"type": "line", "point": {"size": 14}},
            encoding={
                "x": {"field": "window_end", "type": "temporal", "title": "week ending"},
                "y": {"field": "days", "type": "quantitative", "title": "cycle time (days)"},
                "color": {
                    "field": "percentile",
                    "type": "nominal",
                    "title": "percentile",
                    "sort": list(PERCENTILE_COLORS),
                    # The same colour per percentile as the lines of the scatter and aging chart.
                    "scale": {
                        "domain": list(PERCENTILE_COLORS),
                        "range": list(PERCENTILE_COLORS.values()),
                    },
                },
                "tooltip": [
                    date_tip("window_end", "week ending"),
                    tip("percentile", "percentile", "nominal"),
                    tip("days", "cycle time (days)"),
                ],
            },
        )
    if data.get("measure", {}).get("name") == "lead_time":
        _as_lead_time(charts, defs)
    if data["aging"]:
        aging = _frame(data["aging"])
        spec = _sqrt_y(aging_spec(aging, stages_in_progress(data), True, pct, settings.TIME_ZONE))
        charts["aging"] = {**spec, "description": defs["age"] + PERCENTILE_LINES}
    return charts


_LEAD_WORDS = (("Cycle-time", "Lead-time"), ("cycle-time", "lead-time"),
               ("Cycle time", "Lead time"), ("cycle time", "lead time"))  # fmt: skip


def _as_lead_time(charts: dict[str, dict[str, Any]], defs: dict[str, str]) -> None:
    """Relabel the item-time charts (scatter, histogram, trend) as lead time: without start
    dates the dashboard reads lead time in their place (see ``metrics.measure``)."""

    def relabel(node: Any) -> Any:
        if isinstance(node, str):
            for old, new in _LEAD_WORDS:
                node = node.replace(old, new)
            return node
        if isinstance(node, list):
            return [relabel(n) for n in node]
        if isinstance(node, dict):
            return {k: v if k in ("data", "datasets") else relabel(v) for k, v in node.items()}
        return node

    for name in ("scatter", "histogram", "trend"):
        if name in charts:
            charts[name] = {**relabel(charts[name]), "description": defs["lead_time"]}


REBASED = " Done and removed stages count from the range's first day, so the flow in it shows."
PERCENTILE_LINES = (
    " Dashed lines: the 50th, 70th, 85th and 95th percentiles of the cycle time of the items "
    "finished in the range (nearest rank)."
)


def _rebased(data: Mapping[str, Any]) -> pl.DataFrame:
    """Return the CFD counts with done/removed stages counted from the first day of the range
    (otherwise years of finished work dwarf the stages that matter)."""
    frame = _frame(data["cfd"])
    ended = [s["name"] for s in data["stages"] if s["category"] in ("done", "removed")]
    return frame.with_columns([pl.col(n) - pl.col(n).first() for n in ended])


def _sqrt_y(spec: dict[str, Any]) -> dict[str, Any]:
    """Put a layered chart's y axis on a square-root scale: a few very old items (epics,
    forgotten tickets) no longer flatten the typical ones against the axis."""
    for layer in spec.get("layer", []):
        y = layer.get("encoding", {}).get("y")
        if y is not None:
            y["scale"] = {"type": "sqrt"}
            if "title" in y:
                y["title"] += ", square-root scale"
    return spec


def stages_in_progress(data: Mapping[str, Any]) -> list[str]:
    """Return the active stages in workflow order (the aging chart's x axis)."""
    return [s["name"] for s in data["stages"] if s["category"] == "active"]
