"""Vega-Lite specs of the dashboard pages, built from the services' dicts.

The flow charts are the ``leadline analyze`` report's builders (``leadline.charts.specs``);
the charts only the pages have (WIP, percentile trend, DORA, forecasts, portfolio) use the same
``chart_spec`` base, so every chart carries its definition as its description.
"""

from __future__ import annotations

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
    percentile_layers,
    plural,
    scatter_spec,
    throughput_spec,
    tip,
    with_next,
)

TIER_COLORS = {"elite": "#2b8a3e", "high": "#74b816", "medium": "#f08c00", "low": "#c92a2a"}


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, infer_schema_length=None)


def _iso(rows: list[dict[str, Any]], *fields: str) -> list[dict[str, Any]]:
    return [{**r, **{f: r[f].isoformat() if r.get(f) else None for f in fields}} for r in rows]


def flow_charts(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
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
        with_next(_iso(data["wip_daily"], "day"), "day"),
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


def _rebased(data: dict[str, Any]) -> pl.DataFrame:
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


def stages_in_progress(data: dict[str, Any]) -> list[str]:
    """Return the active stages in workflow order (the aging chart's x axis)."""
    return [s["name"] for s in data["stages"] if s["category"] == "active"]


def dora_charts(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the DORA page's specs: one monthly trend per metric, and the timeline.

    Durations are drawn in the unit the page shows them in (:func:`duration_units`).
    """
    charts: dict[str, dict[str, Any]] = {}
    units = duration_units(data)
    for metric in data["metrics"]:
        key = metric["key"]
        unit = units.get(key, metric["unit"])
        per = HOURS_PER.get(unit, 1.0)
        rows = [
            {
                "month": r["month"].isoformat(),
                "value": round(r[key]["value"] / per, 3),
                "tier": r[key]["tier"] or "—",
                "deployments": r["production_deployments"],
            }
            for r in data["trend"]
            if r[key]["value"] is not None
        ]
        share = metric["unit"] == "share"
        y: dict[str, Any] = {
            "field": "value",
            "type": "quantitative",
            "title": "share" if share else unit,
        }
        if share:
            y["axis"] = {"format": "%"}
        definition = metric["definition"] + (f" Shown in {unit}." if key in units else "")
        color: dict[str, Any] = {"value": "#3b5bdb"}
        if metric["tiered"]:
            color = {
                "field": "tier",
                "type": "nominal",
                "title": f"tier ({data['report_year']})",
                "scale": {"domain": list(TIER_COLORS), "range": list(TIER_COLORS.values())},
            }
        charts[f"trend-{key}"] = chart_spec(
            f"{metric['label']} per month",
            definition,
            rows,
            height=170,
            layer=[
                {"mark": {"type": "line", "color": "#adb5bd"}},
                {
                    "mark": {"type": "point", "filled": True, "size": 60},
                    "encoding": {
                        "color": color,
                        "tooltip": [
                            tip("month", "month", "temporal", "%B %Y"),
                            tip("value", metric["label"] if share else f"{metric['label']} "
                                f"({unit})", fmt=".1%" if share else ",.1f" if key in units else ",.2f"),
                            *([tip("tier", f"DORA {data['report_year']} tier", "nominal")]
                              if metric["tiered"] else []),
                            tip("deployments", "production deployments"),
                        ],
                    },
                },
            ],
            encoding={
                "x": {"field": "month", "type": "temporal", "title": None, "timeUnit": "yearmonth"},
                "y": y,
            },
        )  # fmt: skip
    charts["timeline"] = timeline_spec(data)
    return charts


HOURS_PER = {"days": 24.0, "hours": 1.0, "minutes": 1 / 60}


def duration_unit(hours: float | None) -> str:
    """Return the unit a duration of ``hours`` reads best in: days from 2 days, minutes below
    an hour, hours between (and for no value)."""
    if hours is None or 1 <= hours < 48:
        return "hours"
    return "days" if hours >= 48 else "minutes"


def duration_units(data: dict[str, Any]) -> dict[str, str]:
    """Return {metric key: unit} for the DORA page's durations, read from the page's range, so
    that its cards, tables and charts show each duration in one unit."""
    return {
        m["key"]: duration_unit(data["range"][m["key"]]["value"])
        for m in data["metrics"]
        if m["unit"] == "hours"
    }


def timeline_spec(data: dict[str, Any]) -> dict[str, Any]:
    """Return deployments (ticks by kind) and incidents (bars from start to resolution) per service."""
    deps = _iso(data["timeline"]["deployments"], "finished")
    incs = _iso(data["timeline"]["incidents"], "started", "resolved")
    kinds = ["deployed", "followed by incident", "unplanned fix", "rolled back"]
    return chart_spec(
        "Production deployments and incidents",
        "Each tick is a production deployment, coloured by what followed it (incident attributed "
        f"within {data['window_hours']:g} h, unplanned fix, rollback); each red diamond an "
        "incident at its start, sized by the hours until it was resolved (downtime).",
        [],
        # A number, not {"step": 26}: a stepped height cannot fit the container and Vega-Lite
        # warns about it on every page view.
        height=26 * max(len({r["service"] for r in [*deps, *incs]}), 1),
        layer=[
            {
                "data": {"values": incs},
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "color": "#c92a2a",
                    "filled": True,
                    "opacity": 0.7,
                },
                "encoding": {
                    "x": {"field": "started", "type": "temporal", "title": None},
                    "y": {"field": "service", "type": "nominal", "title": None},
                    "size": {
                        "field": "hours",
                        "type": "quantitative",
                        "title": "incident hours",
                        "scale": {"range": [30, 400]},
                    },
                    "tooltip": [
                        tip("title", "incident", "nominal"),
                        tip("service", "service", "nominal"),
                        tip("started", "started", "temporal", "%-d %b %Y %H:%M"),
                        tip("hours", "hours until resolved", fmt=",.1f"),
                    ],
                },
            },
            {
                "data": {"values": deps},
                "mark": {"type": "tick", "thickness": 2, "size": 18},
                "encoding": {
                    "x": {"field": "finished", "type": "temporal", "title": None},
                    "y": {"field": "service", "type": "nominal", "title": None},
                    "color": {
                        "field": "kind",
                        "type": "nominal",
                        "title": "deployment",
                        "scale": {
                            "domain": kinds,
                            "range": ["#3b5bdb", "#f08c00", "#ae3ec9", "#c92a2a"],
                        },
                    },
                    "tooltip": [
                        tip("id", "deployment", "nominal"),
                        tip("service", "service", "nominal"),
                        tip("kind", "what followed", "nominal"),
                        tip("finished", "finished", "temporal", "%-d %b %Y %H:%M"),
                        tip("downtime_hours", "downtime (hours)", fmt=",.1f"),
                    ],
                },
            },
        ],
    )


def forecast_charts(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the forecast page's specs: the two outcome histograms and the calibration."""
    when, how = data["when"], data["how_many"]
    rules_when = [
        {"percentile": f"p{r['percentile']}", "days": r["days"]}
        for r in when["percentiles"]
        if r["days"] is not None
    ]
    rules_how = [
        {"percentile": f"p{r['percentile']}", "items": r["items"]} for r in how["percentiles"]
    ]
    charts = {
        "when": _outcome_histogram(
            f"When will {plural(when['items'], 'items')} be done? Outcomes of {data['inputs']['trials']:,} trials",
            when["definition"] + " Dashed lines: the days by which 50%, 70%, 85% and 95% of "
            "trials had finished.",
            when["histogram"], "days", "days after the as-of date", rules_when,
        ),
        "how_many": _outcome_histogram(
            f"How many items in {plural(how['days'], 'days')}? Outcomes of {data['inputs']['trials']:,} trials",
            how["definition"] + " Dashed lines: at least that many items in 50%, 70%, 85% and "
            "95% of trials.",
            how["histogram"], "items", "items finished", rules_how,
        ),
    }  # fmt: skip
    if data.get("backtest") and data["backtest"]["calibration"]:
        bt = data["backtest"]
        rows = [
            {**r, "question": "when" if r["question"] == "when" else "how many"}
            for r in bt["calibration"]
        ]
        charts["calibration"] = chart_spec(
            "How often past forecasts came true",
            bt["definition"],
            [],
            layer=[
                {
                    "data": {"values": [{"p": 40, "rate": 0.4}, {"p": 100, "rate": 1.0}]},
                    "mark": {"type": "line", "strokeDash": [4, 4], "color": "#868e96"},
                    "encoding": {
                        "x": {"field": "p", "type": "quantitative"},
                        "y": {"field": "rate", "type": "quantitative"},
                    },
                },
                {
                    "data": {"values": rows},
                    "mark": {"type": "line", "point": {"size": 60, "filled": True}},
                    "encoding": {
                        "x": {
                            "field": "percentile",
                            "type": "quantitative",
                            "title": "forecast percentile",
                            "scale": {"domain": [40, 100]},
                        },
                        "y": {
                            "field": "hit_rate",
                            "type": "quantitative",
                            "title": "share that came true",
                            "scale": {"domain": [0, 1]},
                            "axis": {"format": "%"},
                        },
                        "color": {"field": "question", "type": "nominal", "title": "question"},
                        "tooltip": [
                            tip("question", "question", "nominal"),
                            tip("percentile", "forecast percentile"),
                            tip("hit_rate", "came true", fmt=".1%"),
                            tip("forecasts", "past forecasts"),
                        ],
                    },
                },
            ],
        )
    return charts


def _outcome_histogram(
    title: str,
    caption: str,
    rows: list[dict[str, Any]],
    field: str,
    axis: str,
    rules: list[dict[str, Any]],
) -> dict[str, Any]:
    return chart_spec(
        title,
        caption,
        [],
        layer=[
            {
                "data": {"values": rows},
                "mark": {"type": "bar", "color": "#748ffc"},
                "encoding": {
                    "x": {"field": field, "type": "quantitative", "title": axis, "bin": False},
                    "y": {"field": "trials", "type": "quantitative", "title": "trials"},
                    "tooltip": [tip(field, axis), tip("trials", "trials", fmt=",")],
                },
            },
            *percentile_layers(rules, channel="x", field=field, unit=field, title="percentiles"),
        ],
    )


def portfolio_charts(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return small multiples per team: weekly throughput and daily WIP."""
    names = {t["team"]: t["name"] for t in data["teams"]}
    order = [t["name"] for t in data["teams"]]

    def multiples(
        title: str,
        caption: str,
        rows: list[dict[str, Any]],
        x: str,
        y: str,
        layers: list[dict[str, Any]],
        hover: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        values = [{**_iso([r], x)[0], "team": names.get(r["team"], r["team"])} for r in rows]
        if hover:
            values = with_next(values, x)
        x_enc = {
            "field": x,
            "type": "temporal",
            "title": None,
            "axis": {
                "format": "%b",
                "labelAngle": 0,
                "tickCount": {"interval": "month", "step": 1},
            },
        }
        if hover:
            layers = [*layers, hover_layer(x_enc, hover)]
        spec = chart_spec(
            title, caption, values,
            facet={"field": "team", "type": "nominal", "title": None, "sort": order},
            columns=4,
            spec={
                "width": 210, "height": 110, "encoding": {"x": x_enc}, "layer": layers,
            },
            # A facet cannot take its container's width: the page's script picks the columns
            # and the cell width from the width the chart gets (leadline/charts.js).
            usermeta={"facet": {"minWidth": 180, "count": len(order)}},
        )  # fmt: skip
        spec.pop("width"), spec.pop("height")
        return spec

    return {
        "throughput": multiples(
            "Throughput per week, by team", data["definitions"]["throughput"],
            data["throughput_weekly"], "week", "count",
            [{
                "mark": {"type": "bar", "color": "#3b5bdb"},
                "encoding": {
                    "y": {"field": "count", "type": "quantitative", "title": "items finished"},
                    "tooltip": [tip("team", "team", "nominal"), date_tip("week", "week starting"),
                                tip("count", "items finished")],
                },
            }],
        ),
        "wip": multiples(
            "WIP at the end of each day, by team", data["definitions"]["wip"],
            data["wip_daily"], "day", "wip",
            [{
                "mark": {"type": "line", "interpolate": "step-after", "color": "#f08c00"},
                "encoding": {
                    "y": {"field": "wip", "type": "quantitative", "title": "items in progress"},
                },
            }],
            hover=[tip("team", "team", "nominal"), date_tip("day", "day"),
                   tip("wip", "WIP at the end of the day")],
        ),
    }  # fmt: skip
