"""Vega-Lite specs of the analysis charts, each captioned with its metric definition (PRODUCT.md)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import polars as pl

from leadline.flow.definitions import CHART_CAPTIONS as DEFINITIONS
from leadline.flow.frames import local_date

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
MAX_POINTS = 5000  # points drawn per scatter/strip chart; the CSV files hold every item


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


DATE_FORMAT = "%-d %b %Y"  # tooltips: "3 Mar 2025"
# An axis label at the right end sticks out of the plot by up to half its width, and Vega's
# fit-to-container sizing leaves it out ("Dec 202"): keep room for it.
PADDING = {"left": 5, "top": 5, "right": 24, "bottom": 5}


def chart_spec(title: str, caption: str, data: list[dict[str, Any]], **body: Any) -> dict[str, Any]:
    """Return a Vega-Lite spec sized to its container, captioned with its definition."""
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": caption,
        "width": "container",
        "height": 260,
        "padding": PADDING,
        "data": {"values": data},
        "config": {
            "axisTemporal": {
                "format": DATE_AXIS_FORMAT,
                "labelOverlap": True,
                "labelSeparation": 8,
            }
        },
        **body,
    }


def tip(
    field: str, title: str, kind: str = "quantitative", fmt: str | None = None
) -> dict[str, Any]:
    """Return a tooltip entry: a full field definition (Vega-Lite drops bare field names)."""
    entry: dict[str, Any] = {"field": field, "type": kind, "title": title}
    if fmt is not None:
        entry["format"] = fmt
    return entry


def date_tip(field: str, title: str) -> dict[str, Any]:
    """Return a tooltip entry showing a date as "3 Mar 2025"."""
    return tip(field, title, "temporal", DATE_FORMAT)


def field_name(name: str) -> str:
    """Return ``name`` escaped as a Vega-Lite field (a dot, bracket or quote would be read as
    a path into nested data: "Won't Do")."""
    return "".join("\\" + c if c in ".[]'\"\\" else c for c in name)


def hover_layer(x: dict[str, Any], tooltip: list[dict[str, Any]]) -> dict[str, Any]:
    """Return invisible columns, one per x value (from ``x`` to the row's ``next``, see
    :func:`with_next`), each showing ``tooltip`` for its x.

    Lines and areas are drawn as one shape each, so hovering them would show the values of
    their first point. Columns that span the plot's height give every x its own tooltip, and
    they never change while the pointer moves (a pointer-driven selection would redraw the
    chart under the pointer and hide the tooltip just shown).
    """
    return {
        "name": "hover",
        "mark": {"type": "rect", "color": "#495057", "opacity": 0},
        "encoding": {"x": x, "x2": {"field": "next"}, "tooltip": tooltip},
    }


def with_next(rows: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """Return ``rows`` with ``next``: the day after ``field`` (an ISO date or a date), or the
    number after it; where :func:`hover_layer`'s column for the row ends."""

    def after(value: Any) -> Any:
        if isinstance(value, int | float):
            return value + 1
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return (day + timedelta(days=1)).isoformat()

    return [{**r, "next": after(r[field])} for r in rows]


def json_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Return JSON-ready rows (dates as ISO strings)."""
    cast = frame.with_columns(pl.col(pl.Date, pl.Datetime).dt.strftime("%Y-%m-%d"))
    return cast.to_dicts()


def cfd_spec(counts: pl.DataFrame, stages: list[str]) -> dict[str, Any]:
    """Return a stacked-area CFD from per-day stage counts (columns day + one per stage).

    Stages stack in workflow order, the last stage at the bottom: done work settles below,
    the backlog sits on top (the conventional reading, as in ActionableAgile). Hovering shows
    every stage's count on the day under the pointer.
    """
    long = counts.select("day", *stages).unpivot(
        index="day", on=stages, variable_name="stage", value_name="items"
    )
    order = {s: i for i, s in enumerate(stages)}
    long = long.with_columns(order=pl.col("stage").replace_strict(order, return_dtype=pl.Int32))
    x = {"field": "day", "type": "temporal", "title": "day"}
    return chart_spec(
        "Cumulative flow",
        DEFINITIONS["cfd"],
        json_rows(long),
        encoding={"x": x},
        layer=[
            {
                "mark": {"type": "area", "interpolate": "step-after"},
                "encoding": {
                    "y": {"field": "items", "type": "quantitative", "stack": "zero",
                          "title": "items"},
                    "color": {"field": "stage", "type": "nominal", "sort": stages,
                              "title": "stage"},
                    "order": {"field": "order", "type": "quantitative", "sort": "descending"},
                },
            },
            {
                "data": {"values": with_next(json_rows(counts.select("day", *stages)), "day")},
                **hover_layer(x, [date_tip("day", "day"), *[tip(field_name(s), s) for s in stages]]),
            },
        ],
    )  # fmt: skip


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
            "tooltip": [date_tip("week", "week starting"), tip("count", "items finished")],
        },
    )


def _started_date(frame: pl.DataFrame, tz: str) -> pl.Expr:
    if frame.schema["started"] == pl.Date:
        return pl.col("started")
    return local_date(pl.col("started"), tz)


def scatter_spec(
    cycle: pl.DataFrame, pct: dict[str, float | None], inclusive: bool, tz: str = "UTC"
) -> dict[str, Any]:
    """Return a cycle-time scatter of the latest finished items with percentile rules.

    Hovering a point shows the item's key, its title (when the frame has one), its start and
    finish dates (in ``tz``) and its cycle time.
    """
    extra = [c for c in ("title",) if c in cycle.columns]
    points = (
        cycle.sort("finished_date")
        .tail(MAX_POINTS)
        .select(
            "key",
            *extra,
            started=_started_date(cycle, tz),
            day=pl.col("finished_date"),
            days=pl.col("cycle_time_days"),
        )
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
                    "tooltip": [
                        tip("key", "item", "nominal"),
                        *[tip(c, c, "nominal") for c in extra],
                        date_tip("started", "started"),
                        date_tip("day", "finished"),
                        tip("days", "cycle time (days)"),
                    ],
                },
            },
            *percentile_layers(rules),
        ],
    )


# Later percentiles in warmer, darker colours: the 95th line is the one to worry about.
PERCENTILE_COLORS = {"p50": "#e8a200", "p70": "#e8590c", "p85": "#c92a2a", "p95": "#862e9c"}


def plural(value: float, unit: str) -> str:
    """Return "1 day", "2 days", "1.5 days" for a value and a plural unit."""
    return f"{value:g} {unit[:-1] if value == 1 and unit.endswith('s') else unit}"


def percentile_layers(
    rules: list[dict[str, Any]],
    *,
    channel: str = "y",
    field: str = "days",
    unit: str = "days",
    title: str = "percentiles",
) -> list[dict[str, Any]]:
    """Return dashed rules for {percentile, <field>} rows, named in a legend ("p85: 13 days").

    A legend instead of labels beside the lines: close percentiles would print their labels
    over each other. Percentiles that coincide share one rule ("p50 = p70: 6 days").
    """
    shared: dict[Any, list[str]] = {}
    for r in rules:
        name = str(r["percentile"])
        shared.setdefault(r[field], []).append(name if name.startswith("p") else f"p{name}")
    if not shared:
        return []
    rows = [
        {field: value, "label": f"{' = '.join(names)}: {plural(value, unit)}"}
        for value, names in shared.items()
    ]
    colors = [PERCENTILE_COLORS.get(names[-1], "#c92a2a") for names in shared.values()]
    return [
        {
            "data": {"values": rows},
            "mark": {"type": "rule", "strokeDash": [4, 4], "strokeWidth": 1.5},
            "encoding": {
                channel: {"field": field, "type": "quantitative"},
                "color": {
                    "field": "label",
                    "type": "nominal",
                    "title": title,
                    "sort": None,
                    "scale": {"domain": [r["label"] for r in rows], "range": colors},
                },
                "tooltip": [tip("label", title, "nominal")],
            },
        }
    ]


def histogram_spec(
    cycle: pl.DataFrame, inclusive: bool, definition: str | None = None
) -> dict[str, Any]:
    """Return cycle-time counts per whole day as bars from 0 days, captioned with
    ``definition`` (the analysis report's by default).

    A long tail (the longest item more than twice the 98th percentile) is gathered into one
    grey bar after the 98th percentile, so that a few very old items do not squeeze the
    typical ones into slivers; the caption says so.
    """
    counts = cycle.group_by("cycle_time_days").agg(items=pl.len()).sort("cycle_time_days")
    caption = definition or DEFINITIONS["histogram"].format(
        days=days_phrase(inclusive).rstrip(".").lower()
    )
    days = cycle.get_column("cycle_time_days").sort()
    cap = None
    if days.len():
        p98 = int(days[max(math.ceil(days.len() * 0.98) - 1, 0)])  # nearest rank
        if int(days[-1]) > 2 * max(p98, 1):
            cap = p98
    rows: list[dict[str, Any]] = [
        {"days": d, "end": d + 1, "label": plural(d, "days"), "items": n, "tail": False}
        for d, n in counts.iter_rows()
        if cap is None or d <= cap
    ]
    if cap is not None:
        over = int(counts.filter(pl.col("cycle_time_days") > cap).get_column("items").sum())
        rows.append(
            {"days": cap + 1, "end": cap + 2, "label": f"over {plural(cap, 'days')}",
             "items": over, "tail": True, "mark": f">{cap}", "middle": cap + 1.5}
        )  # fmt: skip
        caption += (
            f" The grey bar counts the {over:,} items that took over {cap} days (the longest "
            f"{int(days[-1])})."
        )
    bars = {
        "mark": "bar",
        "encoding": {
            "x": {
                "field": "days", "type": "quantitative", "title": "cycle time (days)",
                "bin": {"binned": True, "step": 1}, "scale": {"domainMin": 0},
            },
            "x2": {"field": "end"},
            "color": {
                "field": "tail", "type": "nominal", "legend": None,
                "scale": {"domain": [False, True], "range": ["#4c6ef5", "#adb5bd"]},
            },
            "tooltip": [tip("label", "cycle time", "nominal"), tip("items", "items")],
        },
    }  # fmt: skip
    tail_label = {
        "transform": [{"filter": "datum.tail"}],
        "mark": {"type": "text", "baseline": "bottom", "dy": -3, "fontSize": 10,
                 "color": "#495057"},
        "encoding": {
            "x": {"field": "middle", "type": "quantitative"},
            "text": {"field": "mark"},
        },
    }  # fmt: skip
    return chart_spec(
        "Cycle time histogram",
        caption,
        rows,
        encoding={"y": {"field": "items", "type": "quantitative", "title": "items"}},
        layer=[bars, *([tail_label] if cap is not None else [])],
    )  # fmt: skip


AGE_GROUPS = {"within p85": "#748ffc", "beyond p85": "#f08c00", "no p85 yet": "#adb5bd"}


def aging_spec(
    aging: pl.DataFrame,
    stages: list[str],
    inclusive: bool,
    pct: dict[str, float | None] | None = None,
    tz: str = "UTC",
) -> dict[str, Any]:
    """Return the age of in-progress items per stage (oldest items when there are many).

    Points are named by how their age compares with the 85th percentile of cycle time; with
    ``pct`` ({"p50": days, ...}) the cycle-time percentiles are drawn as lines. Hovering a
    point shows the item, its title (when the frame has one), stage, start date and age.
    """
    points = aging.sort("age_days", descending=True).head(MAX_POINTS)
    caption = DEFINITIONS["aging"].format(days="inclusive days" if inclusive else "calendar days")
    if aging.height > MAX_POINTS:
        caption += f" The oldest {MAX_POINTS:,} of {aging.height:,} items are drawn."
    extra = [c for c in ("title",) if c in aging.columns]
    unknown = pl.col("p85").is_null() if "p85" in aging.columns else pl.lit(False)
    group = (
        pl.when(pl.col("at_risk"))
        .then(pl.lit("beyond p85"))
        .when(unknown)
        .then(pl.lit("no p85 yet"))
        .otherwise(pl.lit("within p85"))
    )
    rows = json_rows(
        points.select(
            "key", *extra, "stage", started=_started_date(points, tz),
            age=pl.col("age_days"), group=group,
        )
    )  # fmt: skip
    present = {r["group"] for r in rows}
    groups = [g for g in AGE_GROUPS if g in present]
    encoding = {
        "x": {
            "field": "stage", "type": "nominal", "sort": stages, "title": "stage",
            "axis": {"labelAngle": 0},
        },
        "y": {"field": "age", "type": "quantitative", "title": "age (days)"},
        "color": {
            "field": "group", "type": "nominal", "title": "age",
            "scale": {"domain": groups, "range": [AGE_GROUPS[g] for g in groups]},
        },
        "xOffset": {"field": "key", "type": "nominal", "legend": None},
        "tooltip": [
            tip("key", "item", "nominal"),
            *[tip(c, c, "nominal") for c in extra],
            tip("stage", "stage", "nominal"),
            date_tip("started", "started"),
            tip("age", "age (days)"),
        ],
    }  # fmt: skip
    rules = [{"percentile": k, "days": v} for k, v in (pct or {}).items() if v is not None]
    return chart_spec(
        "Aging work in progress",
        caption,
        [],
        layer=[
            {"data": {"values": rows}, "mark": {"type": "point", "filled": True, "opacity": 0.7},
             "encoding": encoding},
            *percentile_layers(rules, title="cycle-time percentiles"),
        ],
        resolve={"scale": {"color": "independent"}},
    )  # fmt: skip


def forecast_spec(
    curve: list[dict[str, Any]], trials: int, window: int, seed: int, items: int
) -> dict[str, Any]:
    """Return the cumulative share of trials finished by each forecast day."""
    x = {"field": "day", "type": "quantitative", "title": "forecast day"}
    return chart_spec(
        f"When will {plural(items, 'items')} be done?",
        DEFINITIONS["forecast"].format(
            trials=trials, window=window, seed=seed, items=plural(items, "items")
        ),
        with_next(curve, "day"),
        encoding={"x": x},
        layer=[
            {
                "mark": {"type": "line", "interpolate": "step-after"},
                "encoding": {
                    "y": {
                        "field": "share",
                        "type": "quantitative",
                        "title": "share of trials finished",
                        "axis": {"format": "%"},
                    },
                },
            },
            hover_layer(
                x, [tip("day", "forecast day"), tip("share", "share of trials finished", fmt=".1%")]
            ),
        ],
    )
