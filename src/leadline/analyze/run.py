"""Compute every flow metric of the input files and write them, all or nothing, to a folder."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import numpy.random  # noqa: F401 (the forecasts' draws: loaded here, while a prefetch decodes)
import polars as pl

from leadline import csvsafe, defaults
from leadline.analyze.report import render
from leadline.analyze.sources import AnalyzeInputError, Loaded, load
from leadline.charts import specs as charts
from leadline.charts.images import check_format
from leadline.flow.forecast import (
    DEFAULT_PERCENTILES,
    daily_throughput_samples,
    forecast_how_many,
    forecast_when,
)
from leadline.flow.frames import local_date
from leadline.flow.report import SCOPE, FlowReport, ReportOptions, flow_report
from leadline.flow.stages import entry_column
from leadline.flow.workflow import StageOptions, Workflow, preset


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    """What to analyse and how; ``as_of`` None means today in ``tz``.

    ``images`` lists picture formats ("svg", "png") to draw every chart in besides its spec.
    """

    source: str = "jira-json"
    workflow: str | None = None
    preset: str = "vacanti"
    as_of: date | None = None
    tz: str = "UTC"
    trials: int = defaults.TRIALS
    seed: int = defaults.SEED
    window_days: int = defaults.WINDOW_DAYS
    forecast_items: int | None = None
    forecast_days: int = defaults.FORECAST_DAYS
    images: tuple[str, ...] = ()
    # A CSV file's encoding when it is neither UTF-8 nor UTF-16 with a BOM.
    encoding: str | None = None


def analyze(
    paths: Sequence[str | Path], out: str | Path, options: AnalyzeOptions
) -> dict[str, Any]:
    """Analyse ``paths`` and write every output into ``out``; return the summary.

    Outputs are written to a temporary folder beside ``out`` and moved in only when all are
    done, so bad input leaves ``out`` untouched. Raise AnalyzeInputError for unreadable input
    or an unknown preset, time zone or image format.
    """
    try:
        opts = dataclasses.replace(preset(options.preset), tz=options.tz)
        as_of = options.as_of or _today(options.tz)
        images = tuple(check_format(fmt) for fmt in dict.fromkeys(options.images))
        options = dataclasses.replace(options, images=images)
    except Exception as error:  # unknown preset, time zone or image format
        raise AnalyzeInputError(str(error)) from None
    loaded = load(paths, options.source, workflow_path=options.workflow, encoding=options.encoding)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        summary = _compute_and_write(loaded, tmp, options, opts, as_of, [str(p) for p in paths])
        _move_into(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary


def _today(tz: str) -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(tz)).date()


def _move_into(tmp: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(tmp.rglob("*")):
        if path.is_file():
            dest = target / path.relative_to(tmp)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, dest)


def _stage_date_columns(
    report: FlowReport, wf: Workflow, opts: StageOptions
) -> tuple[pl.DataFrame, pl.Expr, pl.Expr, pl.Expr]:
    """Return per-stage dates and the started, finished and cycle-time expressions to use."""
    if report.peer_table is not None:  # the jira-agile-metrics table: one date per column
        table = report.peer_table.drop("key")
        first = wf.stages[wf.indices("active")[0]].name
        last = wf.stages[wf.indices("done")[0]].name
        return table, pl.col(first), pl.col(last), pl.col("cycle_time")
    dates = report.dates
    stages = dates.select(
        [local_date(pl.col(entry_column(s.name)), opts.tz).alias(s.name) for s in wf.stages]
    )
    done = pl.col("finished").is_not_null() & ~pl.col("removed") & pl.col("started").is_not_null()
    days = (
        local_date(pl.col("finished"), opts.tz) - local_date(pl.col("started"), opts.tz)
    ).dt.total_days() + opts.day_offset
    return (
        stages,
        local_date(pl.col("started"), opts.tz),
        local_date(pl.col("finished"), opts.tz),
        pl.when(done).then(days.cast(pl.Int64)),
    )


def _cycle_table(report: FlowReport, wf: Workflow, opts: StageOptions) -> pl.DataFrame:
    """Return cycle_times.csv: every item with its dates, cycle and lead times, stage by stage."""
    dates = report.dates
    stage_cols, started, finished, cycle = _stage_date_columns(report, wf, opts)
    shown = stage_cols.drop("cycle_time", strict=False)
    lead = (
        local_date(pl.col("finished"), opts.tz) - local_date(pl.col("created"), opts.tz)
    ).dt.total_days() + opts.day_offset
    base = dates.select(
        "key",
        "type",
        "team",
        "stage",
        "category",
        "removed",
        created=local_date(pl.col("created"), opts.tz),
        started_at=pl.col("started"),
        finished_at=pl.col("finished"),
        lead_time_days=pl.when(~pl.col("removed")).then(lead.cast(pl.Int64)),
    )
    table = pl.concat(
        [base, shown.rename({c: f"stage:{c}" for c in shown.columns})], how="horizontal"
    )
    context = pl.concat(
        [dates.select("started", "finished", "removed"), stage_cols], how="horizontal"
    )
    derived = context.select(started=started, finished=finished, cycle_time_days=cycle)
    table = pl.concat([table, derived], how="horizontal")
    head = ["key", "started", "finished", "cycle_time_days", "type", "team", "lead_time_days"]
    rest = [c for c in table.columns if c not in head]
    return table.select(*head, *rest).rename(
        {c: c.removeprefix("stage:") for c in rest if c.startswith("stage:")}
    )


def _pct_dict(frame: pl.DataFrame) -> dict[str, float | None]:
    row = frame.row(0, named=True) if frame.height else {}
    return {str(p): row.get(f"p{p}") for p in DEFAULT_PERCENTILES}


def _write_csv(frame: pl.DataFrame, path: Path) -> None:
    # Text cells from the export (keys, types, team names) may look like formulas: csvsafe.
    csvsafe.write_frame(frame, path, datetime_format="%Y-%m-%dT%H:%M:%S%.6fZ")


def _write_json(value: Any, path: Path, *, indent: int = 2) -> None:
    # msgspec: the chart specs embed their data, and the stdlib encoder was most of the runtime.
    data = msgspec.json.encode(value)
    path.write_bytes((msgspec.json.format(data, indent=indent) if indent else data) + b"\n")


def _compute_and_write(
    loaded: Loaded,
    out: Path,
    options: AnalyzeOptions,
    opts: StageOptions,
    as_of: date,
    files: list[str],
) -> dict[str, Any]:
    wf = loaded.workflow
    # As the data stood at the end of the as-of day: later finishes and moves don't count.
    report = flow_report(
        loaded.items,
        loaded.transitions,
        wf,
        opts,
        as_of,
        ReportOptions(
            peer_cycle=options.preset == "jira-agile-metrics",
            daily_throughput=True,
            percentile_groups=("team", "type"),
        ),
    )
    dates, cycle, aging = report.dates, report.cycle, report.aging
    inclusive = opts.day_offset == 1
    _write_csv(_cycle_table(report, wf, opts), out / "cycle_times.csv")
    counts_out = report.counts.drop(SCOPE)
    _write_csv(counts_out, out / "cfd.csv")

    tp_daily, tp_weekly = report.throughput_daily, report.throughput_weekly
    assert tp_daily is not None  # asked for above
    _write_csv(tp_daily.drop(SCOPE), out / "throughput_daily.csv")
    _write_csv(tp_weekly.drop(SCOPE), out / "throughput_weekly.csv")

    pct_all = report.percentiles
    pct_team, pct_type = report.percentiles_by["team"], report.percentiles_by["type"]
    pct_rows = pl.concat(
        [
            pct_all.select(pl.lit("all").alias("group"), pl.lit("all").alias("value"), pl.all()),
            pct_team.select(
                pl.lit("team").alias("group"), pl.col("team").alias("value"), pl.exclude("team")
            ),
            pct_type.select(
                pl.lit("type").alias("group"), pl.col("type").alias("value"), pl.exclude("type")
            ),
        ],
        how="vertical_relaxed",
    )
    _write_csv(pct_rows, out / "percentiles.csv")
    pct_json: dict[str, Any] = {
        "metric": "cycle_time_days",
        "method": "nearest-rank",
        "days": "inclusive" if inclusive else "exclusive",
        "all": {"count": int(pct_all["count"][0]) if pct_all.height else 0, **_pct_dict(pct_all)},
        "teams": {r["team"]: {k: r.get(k) for k in r if k != "team"} for r in pct_team.to_dicts()},
        "types": {r["type"]: {k: r.get(k) for k in r if k != "type"} for r in pct_type.to_dicts()},
    }
    _write_json(pct_json, out / "percentiles.json")

    aging_out = aging.select(
        "key",
        "type",
        "team",
        "stage",
        "started",
        "age_days",
        "beyond",
        "at_risk",
        *[f"p{p}" for p in DEFAULT_PERCENTILES],
    )
    _write_csv(aging_out, out / "aging_wip.csv")
    if loaded.rejected:  # impossible rows left out, listed where a person can act on them
        rejected = pl.DataFrame(
            loaded.rejected, schema={"file": pl.Utf8, "line": pl.Int64, "reason": pl.Utf8},
            orient="row",
        )  # fmt: skip
        _write_csv(rejected, out / "rejected_rows.csv")

    forecasts, curve = _forecasts(tp_daily, as_of, aging.height, options)
    _write_json(forecasts, out / "forecasts.json")
    _write_csv(_forecast_rows(forecasts), out / "forecasts.csv")

    stage_names = wf.names
    specs = {
        "cfd": charts.cfd_spec(counts_out, stage_names),
        "throughput": charts.throughput_spec(tp_weekly),
        "scatter": charts.scatter_spec(cycle, _pct_dict(pct_all), inclusive, opts.tz),
        "histogram": charts.histogram_spec(cycle, inclusive),
        "aging": charts.aging_spec(aging, stage_names, inclusive, tz=opts.tz),
        "forecast": charts.forecast_spec(
            curve, options.trials, options.window_days, options.seed, forecasts["when"]["items"]
        ),
    }
    (out / "charts").mkdir()
    for name, spec in specs.items():
        _write_json(spec, out / "charts" / f"{name}.vl.json", indent=0)
    if options.images:  # vl-convert (a V8 with Vega) loads only when pictures are asked for
        from leadline.charts.images import render_chart

        for name, spec in specs.items():
            for fmt in options.images:
                (out / "charts" / f"{name}.{fmt}").write_bytes(render_chart(spec, fmt))

    summary = _summary(
        loaded, dates, cycle, aging, tp_daily, pct_json, forecasts, options, as_of, files
    )
    _write_json(summary, out / "summary.json")

    rows = [
        ("Input", ", ".join(Path(f).name for f in files)),
        ("As of", as_of.isoformat()),
        (
            "Conventions",
            f"{options.preset} (days {'inclusive' if inclusive else 'exclusive'}, {opts.tz})",
        ),
        (
            "Items",
            f"{summary['items']['total']:,} ({summary['items']['finished']:,} finished, "
            f"{summary['items']['in_progress']:,} in progress)",
        ),
        ("Cycle time p50 / p85", f"{pct_json['all']['50']} / {pct_json['all']['85']} days"),
        (
            "Forecast",
            f"{forecasts['when']['items']} items: 85% by day {forecasts['when']['percentiles']['85']}",
        ),
    ]
    (out / "report.html").write_text(render("Leadline flow report", rows, specs), encoding="utf-8")
    return summary


def _forecasts(
    tp_daily: pl.DataFrame, as_of: date, wip: int, options: AnalyzeOptions
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    samples = daily_throughput_samples(tp_daily, as_of, window_days=options.window_days, by=SCOPE)
    s = samples.get("all", np.zeros(options.window_days, dtype=np.int64))
    window = (as_of - timedelta(days=options.window_days - 1), as_of)
    n_items = options.forecast_items if options.forecast_items is not None else max(wip, 1)
    start = as_of + timedelta(days=1)
    when = forecast_when(
        s, n_items, trials=options.trials, seed=options.seed, start=start, window=window
    )
    many = forecast_how_many(
        s, options.forecast_days, trials=options.trials, seed=options.seed, window=window
    )
    inputs = dataclasses.asdict(when.inputs) | {"method_how_many": many.inputs.method}
    result = {
        "when": {
            "items": n_items,
            "items_source": "given" if options.forecast_items is not None else "current WIP",
            "percentiles": {str(p): d for p, d in when.days.items()},
            "dates": {str(p): (d.isoformat() if d else None) for p, d in when.dates.items()},
        },
        "how_many": {
            "days": options.forecast_days,
            "percentiles": {str(p): n for p, n in many.items.items()},
            "reading": "at least this many items with this confidence",
        },
        "inputs": inputs | {"first_forecast_day": start.isoformat(), "as_of": as_of.isoformat()},
    }
    curve: list[dict[str, Any]] = []
    if when.days.get(50) is not None:
        out = when.outcomes
        top = int(np.percentile(out, 99)) + 1
        hist = np.bincount(np.minimum(out, top), minlength=top + 1)[: top + 1]
        cum = np.cumsum(hist) / out.size
        curve = [{"day": d, "share": round(float(cum[d]), 4)} for d in range(top + 1)]
    return result, curve


def _forecast_rows(f: dict[str, Any]) -> pl.DataFrame:
    rows = [
        ("when", f"{f['when']['items']} items", p, d, f["when"]["dates"][p], "days")
        for p, d in f["when"]["percentiles"].items()
    ] + [
        ("how-many", f"{f['how_many']['days']} days", p, n, None, "items (at least)")
        for p, n in f["how_many"]["percentiles"].items()
    ]
    return pl.DataFrame(
        rows,
        schema={
            "question": pl.Utf8,
            "input": pl.Utf8,
            "percentile": pl.Utf8,
            "answer": pl.Int64,
            "date": pl.Utf8,
            "unit": pl.Utf8,
        },
        orient="row",
    )


def _summary(
    loaded: Loaded,
    dates: pl.DataFrame,
    cycle: pl.DataFrame,
    aging: pl.DataFrame,
    tp_daily: pl.DataFrame,
    pct_json: dict[str, Any],
    forecasts: dict[str, Any],
    options: AnalyzeOptions,
    as_of: date,
    files: list[str],
) -> dict[str, Any]:
    wf = loaded.workflow
    recent = tp_daily.filter(pl.col("day") > as_of - timedelta(days=options.window_days))
    return {
        "inputs": {
            "files": files,
            "source": options.source,
            "workflow": loaded.workflow_source,
            "preset": options.preset,
            "tz": options.tz,
            "as_of": as_of.isoformat(),
            "fast_path": loaded.fast_path,
        },
        "workflow": [
            {"stage": s.name, "category": str(s.category), "statuses": list(s.statuses)}
            for s in wf.stages
        ],
        "unmapped_statuses": loaded.unmapped,
        "rejected_rows": len(loaded.rejected),
        "items": {
            "total": dates.height,
            "transitions": loaded.transitions.height,
            "started": int(dates.get_column("started").is_not_null().sum()),
            "finished": cycle.height,
            "removed": int(dates.get_column("removed").sum()),
            "in_progress": aging.height,
        },
        "cycle_time_days": pct_json["all"],
        "throughput": {
            "window_days": options.window_days,
            "finished_in_window": int(recent.get_column("count").sum()),
            "mean_per_day": round(float(recent.get_column("count").sum()) / options.window_days, 4),
        },
        "forecasts": {"when": forecasts["when"], "how_many": forecasts["how_many"]},
        "outputs": sorted(
            [
                "cycle_times.csv",
                "cfd.csv",
                "throughput_daily.csv",
                "throughput_weekly.csv",
                "percentiles.csv",
                "percentiles.json",
                "aging_wip.csv",
                "forecasts.json",
                "forecasts.csv",
                "summary.json",
                "report.html",
                *(["rejected_rows.csv"] if loaded.rejected else []),
            ]
            + [
                f"charts/{n}.{ext}"
                for n in ("cfd", "throughput", "scatter", "histogram", "aging", "forecast")
                for ext in ("vl.json", *options.images)
            ]
        ),
    }
