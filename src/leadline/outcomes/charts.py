"""Vega-Lite specs of the outcomes pages: a KPI's sparkline and trend, a benefit's curves, the
milestones' chances of meeting their target dates (also drawn in the cadence's status packs)."""

from __future__ import annotations

from typing import Any

from leadline.charts.specs import DATE_FORMAT, chart_spec, date_tip, tip

from .results import BenefitOut, KpiScore


def _rows(points: list[Any], series: str = "") -> list[dict[str, Any]]:
    return [{"date": p["date"].isoformat(), "value": p["value"], **({"series": series} if series else {})}
            for p in points]  # fmt: skip


def sparkline(row: KpiScore) -> dict[str, Any]:
    """A small line of the KPI's values with its target as a dashed rule (no axes)."""
    kpi = row["kpi"]
    unit = kpi["unit"]
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "point": {"size": 12}, "strokeWidth": 1.5},
            "encoding": {
                "x": {"field": "date", "type": "temporal", "axis": None},
                "y": {"field": "value", "type": "quantitative", "axis": None,
                      "scale": {"zero": False}},
                "tooltip": [date_tip("date", "Date"), tip("value", unit or "Value")],
            },
        }
    ]  # fmt: skip
    if kpi["target_value"] is not None:
        layers.append({
            "data": {"values": [{"target": kpi["target_value"]}]},
            "mark": {"type": "rule", "strokeDash": [3, 3], "color": "#868e96"},
            "encoding": {"y": {"field": "target", "type": "quantitative"},
                         "tooltip": [tip("target", "Target")]},
        })  # fmt: skip
    spec = chart_spec(
        f"{kpi['name']} trend", f"{kpi['name']}: its values by date ({kpi['source_label']}); the "
        "dashed line is the target.", _rows(row["trend"]), layer=layers,
    )  # fmt: skip
    spec.update(height=36, padding=2)
    spec["config"]["view"] = {"stroke": None}
    return spec


def trend(row: KpiScore) -> dict[str, Any]:
    """The KPI's values with axes, the target dashed."""
    kpi = row["kpi"]
    spec = sparkline(row)
    spec["title"] = f"{kpi['name']} over time"
    spec.update(height=220, padding=5)
    enc = spec["layer"][0]["encoding"]
    enc["x"]["axis"] = {"title": None}
    enc["y"]["axis"] = {"title": kpi["unit"] or "value"}
    return spec


SERIES = ["Expected", "Expected, moved by the forecast", "Actual"]


def benefit_chart(b: BenefitOut) -> dict[str, Any]:
    """Expected (as planned), expected moved by the milestones' slips, and actual values."""
    data = (_rows(list(b["expected"]), SERIES[0]) + _rows(list(b["shifted"]), SERIES[1])
            + _rows(list(b["actual"]), SERIES[2]))  # fmt: skip
    unit = b["unit"] or "value"
    return chart_spec(
        b["description"],
        f"{b['kpi_name']} ({unit}): expected values as planned, the same moved later by each "
        "milestone's slip (its forecast 85 % date after its target date), and the KPI's actual "
        "values. The area between the first two is the benefit at risk.",
        data,
        mark={"type": "line", "point": True, "interpolate": "linear"},
        encoding={
            "x": {"field": "date", "type": "temporal", "title": None},
            "y": {"field": "value", "type": "quantitative", "title": unit,
                  "scale": {"zero": False}},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"domain": SERIES, "range": ["#4263eb", "#f59f00", "#2b8a3e"]}},
            "strokeDash": {"field": "series", "type": "nominal", "title": None,
                           "scale": {"domain": SERIES, "range": [[6, 3], [2, 2], [1, 0]]}},
            "tooltip": [tip("series", "Series", "nominal"),
                        {"field": "date", "type": "temporal", "title": "Date", "format": DATE_FORMAT},
                        tip("value", unit)],
        },
    )  # fmt: skip


# A milestone at least this likely to meet its date is green, below the second red (the pack's
# milestones section reads the same bands).
BANDS = (("likely (85 % or more)", 0.85, "#2b8a3e"), ("at risk (50–85 %)", 0.5, "#f08c00"),
         ("unlikely (below 50 %)", 0.0, "#c92a2a"))  # fmt: skip


def milestone_chances(milestones: list[Any], definition: str) -> dict[str, Any] | None:
    """Each milestone's probability of meeting its target date as a bar, coloured by band,
    with dashed lines at 50 % and 85 %; None when no milestone has a forecast."""
    rows = []
    for m in sorted(milestones, key=lambda m: (m["target_date"], m["name"])):
        p = m["probability"]
        if p is None:
            continue
        band = next(name for name, low, _ in BANDS if p >= low)
        rows.append({"milestone": m["name"], "probability": p, "band": band,
                     "target": m["target_date"].isoformat(), "remaining": m["remaining"],
                     "forecast_85": m["forecast_85"].isoformat() if m["forecast_85"] else None})  # fmt: skip
    if not rows:
        return None
    order = [r["milestone"] for r in rows]
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "milestone", "type": "nominal", "sort": order, "title": None},
            "x": {"field": "probability", "type": "quantitative", "title": "chance of meeting the target date",
                  "scale": {"domain": [0, 1]}, "axis": {"format": "%"}},
            "color": {"field": "band", "type": "nominal", "title": None,
                      "scale": {"domain": [b[0] for b in BANDS], "range": [b[2] for b in BANDS]}},
            "tooltip": [tip("milestone", "Milestone", "nominal"), date_tip("target", "Target date"),
                        tip("probability", "Chance of meeting it", fmt=".0%"),
                        date_tip("forecast_85", "85 % forecast"), tip("remaining", "Items remaining")],
        },
    }  # fmt: skip
    lines = {
        "data": {"values": [{"at": 0.5}, {"at": 0.85}]},
        "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#495057"},
        "encoding": {"x": {"field": "at", "type": "quantitative"}},
    }
    return chart_spec(
        "Chance of meeting each milestone's target date",
        definition + " Bars: the probability for each milestone with a forecast (a milestone "
        "with nothing remaining is 100 %); dashed lines at 50 % and 85 %: green from 85 %, "
        "amber from 50 %, red below.",
        rows, height=max(60, 26 * len(rows)), layer=[bars, lines],
    )  # fmt: skip
