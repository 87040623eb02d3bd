"""Vega-Lite specs of the portfolio page: small multiples per team."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadline.charts.specs import (
    chart_spec,
    date_tip,
    hover_layer,
    tip,
    with_next,
)

from .charts import iso_fields


def portfolio_charts(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
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
        values = [{**iso_fields([r], x)[0], "team": names.get(r["team"], r["team"])} for r in rows]
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
