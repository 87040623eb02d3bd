"""Vega-Lite specs of the analysis charts, each captioned with its metric definition (PRODUCT.md)."""

from __future__ import annotations

from typing import Any

import polars as pl

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
MAX_POINTS = 5000  # points drawn per scatter/strip chart; the CSV files hold every item

DEFINITIONS = {
    "cfd": (
        "Cumulative flow: items per stage at the end of each day, stacked in workflow order. "
        "Each tracker status maps to a stage; removed items are shown in their own stage."
    ),
    "throughput": (
        "Throughput: items finished per week (Monday-started weeks; the CSV also has days). "
        "Finished = the last entry into done; removed items count in no throughput."
    ),
    "scatter": (
        "Cycle time = finished - started, per finished item, by finish date. Started = first "
        "entry into an active stage; finished = the last entry into done. {days} Lines mark the "
        "50th, 70th, 85th and 95th percentiles (nearest rank)."
    ),
    "histogram": (
        "Cycle time distribution: how many finished items took each number of days "
        "(cycle time = finished - started; {days})."
    ),
    "aging": (
        "Work item age = as-of date - started, for started, unfinished, not removed items, by "
        "current stage ({days}). Items older than the 85th percentile of cycle time are at risk."
    ),
    "forecast": (
        "Monte Carlo forecast: {trials:,} trials drawing days from the daily throughput of the "
        "last {window} days (zero days included), seed {seed}. Share of trials that finished "
        "{items} items by each day (day 1 = the day after the as-of date)."
    ),
}


def days_phrase(inclusive: bool) -> str:
    """Return how days are counted ("inclusive: same day = 1 day" or calendar-day difference)."""
    if inclusive:
        return (
            "Shown in whole calendar days, inclusive (started and finished the same day = 1 day)."
        )
    return (
        "Shown in whole calendar days, exclusive (calendar-day difference, as jira-agile-metrics)."
    )


# Date axes read "3 Mar" / "Mar 2025" whatever the tick spacing (Vega's default mixes in
# weekday names such as "Thu 21").
DATE_AXIS_FORMAT = {
    "year": "%Y", "quarter": "%b %Y", "month": "%b %Y", "week": "%-d %b", "date": "%-d %b",
    "hours": "%H:%M", "minutes": "%H:%M", "seconds": "%H:%M:%S", "milliseconds": "%H:%M:%S",
}  # fmt: skip


def chart_spec(title: str, caption: str, data: list[dict[str, Any]], **body: Any) -> dict[str, Any]:
    """Return a Vega-Lite spec sized to its container, captioned with its definition."""
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": caption,
        "width": "container",
        "height": 260,
        "data": {"values": data},
        "config": {"axisTemporal": {"format": DATE_AXIS_FORMAT}},
        **body,
    }


def json_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Return JSON-ready rows (dates as ISO strings)."""
    cast = frame.with_columns(pl.col(pl.Date, pl.Datetime).dt.strftime("%Y-%m-%d"))
    return cast.to_dicts()


def cfd_spec(counts: pl.DataFrame, stages: list[str]) -> dict[str, Any]:
    """Return a stacked-area CFD from per-day stage counts (columns day + one per stage)."""
    long = counts.select("day", *stages).unpivot(
        index="day", on=stages, variable_name="stage", value_name="items"
    )
    order = {s: i for i, s in enumerate(stages)}
    long = long.with_columns(order=pl.col("stage").replace_strict(order, return_dtype=pl.Int32))
    return chart_spec(
        "Cumulative flow",
        DEFINITIONS["cfd"],
        json_rows(long),
        mark={"type": "area", "interpolate": "step-after"},
        encoding={
            "x": {"field": "day", "type": "temporal", "title": "day"},
            "y": {"field": "items", "type": "quantitative", "stack": "zero", "title": "items"},
            "color": {"field": "stage", "type": "nominal", "sort": stages, "title": "stage"},
            "order": {"field": "order", "type": "quantitative", "sort": "descending"},
            "tooltip": [{"field": "day", "type": "temporal"}, "stage", "items"],
        },
    )


def throughput_spec(weekly: pl.DataFrame) -> dict[str, Any]:
    """Return weekly throughput bars (columns week, count)."""
    return chart_spec(
        "Throughput per week",
        DEFINITIONS["throughput"],
        json_rows(weekly.select("week", "count")),
        mark="bar",
        encoding={
            "x": {"field": "week", "type": "temporal", "title": "week starting"},
            "y": {"field": "count", "type": "quantitative", "title": "items finished"},
            "tooltip": [{"field": "week", "type": "temporal"}, "count"],
        },
    )


def scatter_spec(
    cycle: pl.DataFrame, pct: dict[str, float | None], inclusive: bool
) -> dict[str, Any]:
    """Return a cycle-time scatter of the latest finished items with percentile rules."""
    points = (
        cycle.sort("finished_date")
        .tail(MAX_POINTS)
        .select("key", day=pl.col("finished_date"), days=pl.col("cycle_time_days"))
    )
    caption = DEFINITIONS["scatter"].format(days=days_phrase(inclusive))
    if cycle.height > MAX_POINTS:
        caption += f" The latest {MAX_POINTS:,} of {cycle.height:,} items are drawn."
    rules = [{"percentile": k, "days": v} for k, v in pct.items() if v is not None]
    return chart_spec(
        "Cycle time scatter",
        caption,
        [],
        layer=[
            {
                "data": {"values": json_rows(points)},
                "mark": {"type": "point", "filled": True, "opacity": 0.5, "size": 18},
                "encoding": {
                    "x": {"field": "day", "type": "temporal", "title": "finished"},
                    "y": {"field": "days", "type": "quantitative", "title": "cycle time (days)"},
                    "tooltip": ["key", {"field": "day", "type": "temporal"}, "days"],
                },
            },
            *percentile_layers(rules),
        ],
    )


def percentile_layers(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return dashed horizontal rules with their labels ("p85 10d") for {percentile, days} rows."""
    labelled = [{**r, "label": f"{r['percentile']} {r['days']:g}d"} for r in rules]
    # Percentiles that coincide share one label ("p50 = p70 16d") instead of overprinting.
    shared: dict[Any, list[str]] = {}
    for r in rules:
        shared.setdefault(r["days"], []).append(str(r["percentile"]))
    labels = [
        {"days": days, "label": f"{' = '.join(names)} {days:g}d"} for days, names in shared.items()
    ]
    return [
        {
            "data": {"values": labelled},
            "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#c92a2a"},
            "encoding": {
                "y": {"field": "days", "type": "quantitative"},
                "tooltip": ["percentile", "days"],
            },
        },
        {
            "data": {"values": labels},
            "mark": {
                "type": "text",
                "align": "right",
                "baseline": "bottom",
                "dy": -2,
                "color": "#c92a2a",
                "fontSize": 10,
            },
            "encoding": {
                "x": {"value": {"expr": "width"}},
                "y": {"field": "days", "type": "quantitative"},
                "text": {"field": "label"},
            },
        },
    ]


def histogram_spec(cycle: pl.DataFrame, inclusive: bool) -> dict[str, Any]:
    """Return cycle-time counts per whole day as bars."""
    counts = cycle.group_by("cycle_time_days").agg(items=pl.len()).sort("cycle_time_days")
    return chart_spec(
        "Cycle time histogram",
        DEFINITIONS["histogram"].format(days=days_phrase(inclusive).rstrip(".").lower()),
        json_rows(counts.rename({"cycle_time_days": "days"})),
        mark="bar",
        encoding={
            "x": {"field": "days", "type": "quantitative", "title": "cycle time (days)"},
            "y": {"field": "items", "type": "quantitative", "title": "items"},
            "tooltip": ["days", "items"],
        },
    )


def aging_spec(
    aging: pl.DataFrame,
    stages: list[str],
    inclusive: bool,
    pct: dict[str, float | None] | None = None,
) -> dict[str, Any]:
    """Return the age of in-progress items per stage (oldest items when there are many).

    With ``pct`` ({"p50": days, ...}) the cycle-time percentiles are drawn as labelled lines.
    """
    points = aging.sort("age_days", descending=True).head(MAX_POINTS)
    caption = DEFINITIONS["aging"].format(days="inclusive days" if inclusive else "calendar days")
    if aging.height > MAX_POINTS:
        caption += f" The oldest {MAX_POINTS:,} of {aging.height:,} items are drawn."
    mark = {"type": "point", "filled": True, "opacity": 0.6}
    encoding = {
        "x": {"field": "stage", "type": "nominal", "sort": stages, "title": "stage"},
        "y": {"field": "age", "type": "quantitative", "title": "age (days)"},
        "color": {"field": "at_risk", "type": "nominal", "title": "beyond p85"},
        "xOffset": {"field": "key", "type": "nominal", "legend": None},
        "tooltip": ["key", "stage", "age"],
    }
    rows = json_rows(
        points.select("key", "stage", age=pl.col("age_days"), at_risk=pl.col("at_risk"))
    )
    if not pct:
        return chart_spec("Aging work in progress", caption, rows, mark=mark, encoding=encoding)
    rules = [{"percentile": k, "days": v} for k, v in pct.items() if v is not None]
    return chart_spec(
        "Aging work in progress",
        caption,
        [],
        layer=[
            {"data": {"values": rows}, "mark": mark, "encoding": encoding},
            *percentile_layers(rules),
        ],
    )


def forecast_spec(
    curve: list[dict[str, Any]], trials: int, window: int, seed: int, items: int
) -> dict[str, Any]:
    """Return the cumulative share of trials finished by each forecast day."""
    return chart_spec(
        f"When will {items} items be done?",
        DEFINITIONS["forecast"].format(trials=trials, window=window, seed=seed, items=items),
        curve,
        mark={"type": "line", "interpolate": "step-after"},
        encoding={
            "x": {"field": "day", "type": "quantitative", "title": "forecast day"},
            "y": {
                "field": "share",
                "type": "quantitative",
                "title": "share of trials finished",
                "axis": {"format": "%"},
            },
            "tooltip": ["day", {"field": "share", "format": ".1%"}],
        },
    )
