"""Vega-Lite specs of the forecasts page: the two outcome histograms and the calibration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadline.charts.specs import (
    chart_spec,
    percentile_layers,
    plural,
    tip,
)


def forecast_charts(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
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
