"""Vega-Lite specs of the DORA page: one monthly trend per metric, and the timeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadline.charts.specs import (
    chart_spec,
    tip,
)

from .charts import iso_fields

TIER_COLORS = {"elite": "#2b8a3e", "high": "#74b816", "medium": "#f08c00", "low": "#c92a2a"}


def dora_charts(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
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


def duration_units(data: Mapping[str, Any]) -> dict[str, str]:
    """Return {metric key: unit} for the DORA page's durations, read from the page's range, so
    that its cards, tables and charts show each duration in one unit."""
    return {
        m["key"]: duration_unit(data["range"][m["key"]]["value"])
        for m in data["metrics"]
        if m["unit"] == "hours"
    }


def timeline_spec(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return deployments (ticks by kind) and incidents (bars from start to resolution) per service."""
    deps = iso_fields(data["timeline"]["deployments"], "finished")
    incs = iso_fields(data["timeline"]["incidents"], "started", "resolved")
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
