"""The before/after chart: the observations, each segment's fitted line, the announced date and
the detected change marked (Vega-Lite, drawn by the pages' charts.js)."""

from __future__ import annotations

from datetime import date
from typing import Any

from leadline.charts.specs import chart_spec, date_tip, tip

from .results import ImpactBeforeAfterOut

DETECTED = "#c92a2a"
ANNOUNCED = "#495057"


def _segment_rows(result: ImpactBeforeAfterOut) -> list[dict[str, Any]]:
    rows = []
    for n, seg in enumerate(result["segments"], start=1):
        start, end = date.fromisoformat(seg["start"]), date.fromisoformat(seg["end"])
        days = (end - start).days
        for day, value in (
            (start, seg["intercept"]),
            (end, seg["intercept"] + seg["slope_per_day"] * days),
        ):
            rows.append({"layer": "fit", "date": day.isoformat(), "value": round(value, 4),
                         "segment": f"Segment {n}", "mean": seg["mean"], "n": seg["n"]})  # fmt: skip
    return rows


def before_after_spec(result: ImpactBeforeAfterOut) -> dict[str, Any]:
    """The chart of an analysis; its caption states the metric's definition and the method."""
    metric = result["metric"]
    unit = f" ({metric['unit']})" if metric["unit"] else ""
    data: list[dict[str, Any]] = [
        {"layer": "obs", "date": p["date"], "value": p["value"],
         "side": "after" if result["split_at"] and p["date"] >= result["split_at"] else "before"}
        for p in result["observations"]
    ]  # fmt: skip
    data += _segment_rows(result)
    marks: list[dict[str, Any]] = []
    if result["detected_at"]:
        marks.append({"layer": "mark", "date": result["detected_at"], "what": "Detected change",
                      "label": f"detected {result['detected_at']}"})  # fmt: skip
    if result["at"]:
        marks.append({"layer": "mark", "date": result["at"], "what": "Announced",
                      "label": f"announced {result['at']}"})  # fmt: skip
    data += marks
    x = {"field": "date", "type": "temporal", "title": None}
    y = {"field": "value", "type": "quantitative", "title": metric["label"] + unit}
    layers: list[dict[str, Any]] = [
        {
            "name": "observations",
            "transform": [{"filter": "datum.layer === 'obs'"}],
            "mark": {"type": "point", "filled": True, "size": 28, "opacity": 0.75},
            "encoding": {
                "x": x, "y": y,
                "color": {"field": "side", "type": "nominal", "title": "Side",
                          "scale": {"domain": ["before", "after"], "range": ["#868e96", "#1971c2"]}},
                "tooltip": [date_tip("date", "Date"), tip("value", metric["label"], fmt=",.2f"),
                            tip("side", "Side", "nominal")],
            },
        },
        {
            "name": "segments",
            "transform": [{"filter": "datum.layer === 'fit'"}],
            "mark": {"type": "line", "strokeWidth": 2.5, "color": "#f08c00"},
            "encoding": {
                "x": x, "y": y, "detail": {"field": "segment", "type": "nominal"},
                "tooltip": [tip("segment", "Segment", "nominal"), tip("n", "Observations"),
                            tip("mean", "Mean", fmt=",.2f")],
            },
        },
    ]  # fmt: skip
    for what, colour, dash, name in (
        ("Detected change", DETECTED, [], "detected"),
        ("Announced", ANNOUNCED, [6, 4], "announced"),
    ):
        if not any(m["what"] == what for m in marks):
            continue
        keep = [{"filter": f"datum.layer === 'mark' && datum.what === '{what}'"}]
        layers.append({
            "name": name, "transform": keep,
            "mark": {"type": "rule", "color": colour, "strokeWidth": 2, "strokeDash": dash},
            "encoding": {"x": x, "tooltip": [tip("what", "Marker", "nominal"),
                                             date_tip("date", "Date")]},
        })  # fmt: skip
        layers.append({
            "name": f"{name}_label", "transform": keep,
            "mark": {"type": "text", "align": "left", "dx": 4, "dy": -4 if name == "detected" else 10,
                     "baseline": "top", "color": colour, "fontSize": 11, "y": 0},
            "encoding": {"x": x, "text": {"field": "label"}},
        })  # fmt: skip
    caption = (
        f"{metric['label']}: {metric['definition']} Dots are the observations (grey before the "
        f"split, blue after); orange lines are each segment's least-squares fit; the red line is "
        f"the detected change (the first observation after it), the dashed grey line the "
        "announced date."
    )
    return chart_spec(f"{metric['label']} before and after", caption, data, layer=layers)
