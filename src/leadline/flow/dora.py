"""DORA software-delivery metrics per service or team, with performance tiers by report year.

Frames: deployments (id, service, team, environment, status, finished, is_production, and an
optional ``unplanned`` bool: True for a deployment made to fix production outside the plan, i.e.
a hotfix, rollback or remediation release); changes (id, first_commit_at, merged,
deployment_id); incidents (id, service, started, resolved, optional deployment_id).
Only successful production deployments count ("success" status, ``is_production``).

A production deployment (successful or rolled back) fails when it is rolled back, when an
incident is attributed to it, or when a hotfix is attributed to it: see ``attribute_incidents``
and ``attribute_hotfixes`` (same service, within the attribution window).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Any

import polars as pl

DEFAULT_REPORT_YEAR = 2023
TIERS = ("elite", "high", "medium", "low")
# Numeric reading of the 2023 report's answer buckets (the report publishes buckets, not cut-offs):
# value <= bound (or >= for frequency) gives the tier; anything beyond the last bound is "low".
_CUTOFFS_2023: dict[str, tuple[str, tuple[float, float, float]]] = {
    # deployment days per week over the range (the mean shown, zero weeks included):
    # on demand (most days, >= 5) / weekly (>= 1) / monthly (>= 12 per 52 weeks)
    "deployment_frequency": ("higher", (5.0, 1.0, 12 / 52)),
    "lead_time_for_changes": ("lower", (24.0, 24.0 * 7, 24.0 * 30)),  # hours
    "change_failure_rate": ("lower", (0.05, 0.10, 0.15)),
    "failed_deployment_recovery_time": ("lower", (1.0, 24.0, 24.0 * 7)),  # hours
}


@cache
def _tier_data() -> dict[str, Any]:
    text = resources.files("leadline.flow").joinpath("dora_tiers.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def dora_tiers(year: int = DEFAULT_REPORT_YEAR) -> dict[str, Any]:
    """Return the published performance clusters of the DORA report of ``year`` (with status)."""
    reports = _tier_data()["reports"]
    if str(year) not in reports:
        raise ValueError(f"no DORA report data for {year}; known: {sorted(reports)}")
    report: dict[str, Any] = reports[str(year)]
    return report


def classify(metric: str, value: float | None, year: int = DEFAULT_REPORT_YEAR) -> str | None:
    """Return the tier (elite/high/medium/low) of ``value`` for ``metric``; None for no value.

    Only the 2023 report has a numeric reading here; other years raise ValueError.
    """
    if year != 2023:
        raise ValueError("numeric tiers are defined for the 2023 DORA report only")
    if metric not in _CUTOFFS_2023:
        raise ValueError(f"unknown DORA metric {metric!r}")
    if value is None or value != value:  # None or NaN
        return None
    direction, bounds = _CUTOFFS_2023[metric]
    for tier, bound in zip(TIERS, bounds, strict=False):
        if direction == "higher":
            hit = value >= bound
        elif metric == "change_failure_rate":
            hit = value <= bound  # "5%" is elite, so the bound itself belongs to the tier
        else:
            hit = value < bound  # "less than one hour"
        if hit:
            return tier
    return "low"


def _keys(by: str | Sequence[str] | None) -> list[str]:
    return [] if not by else [by] if isinstance(by, str) else list(by)


def _ok(deployments: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    return deployments.lazy().filter(pl.col("is_production") & (pl.col("status") == "success"))


def _end_dt(d: date | datetime) -> datetime:
    return d if isinstance(d, datetime) else datetime.combine(d, time.max, tzinfo=UTC)


def _hours(expr: pl.Expr) -> pl.Expr:
    return expr.dt.total_microseconds() / 3.6e9


def _weeks(start: date, end: date) -> pl.Series:
    """Monday of every week [start, end] touches."""
    return pl.date_range(start, end, "1d", eager=True).dt.truncate("1w").unique().sort()


SERVICE_LOOKBACK_DAYS = 365  # a service not deployed for a year before the period is retired


def deployment_frequency(
    deployments: pl.DataFrame,
    start: date,
    end: date,
    *,
    by: str | Sequence[str] | None = "service",
) -> pl.DataFrame:
    """Return per group deployments, deployment days, per-week rates and the tier (2023).

    DORA asks how often *a service* (the application one works on) deploys, and counts
    deployment days: several deployments of a service on one UTC day count once. Weeks run
    Monday to Sunday and every week the range touches counts, with or without deployments.
    Each service's figure is its deployment days / weeks; a group of several services (a team,
    the workspace) gets the **median of its services' figures** as ``deployment_days_per_week``,
    so a group reads like its typical service, never higher than its busiest one (pooling the
    services' days would make four fortnightly services look weekly). The services of a group
    are those deployed to production in the range or the ``SERVICE_LOOKBACK_DAYS`` before it; one
    with no deployment in the range counts as 0. ``services`` says how many there were;
    ``deployment_days`` and ``pooled_days_per_week`` count the days on which any of them
    deployed, and ``median_days_per_week`` the median week of those (reference only). The tier is
    read from ``deployment_days_per_week``. Only deployments finished in [start, end] are
    counted (earlier ones only tell which services exist).
    """
    keys = _keys(by)
    on = keys or ["_"]  # by=None: one group, the whole frame
    extra = [] if "service" in keys else ["service"]
    ok = _ok(deployments).with_columns(day=pl.col("finished").dt.date(), _=pl.lit(0))
    if "service" not in deployments.columns:
        ok = ok.with_columns(service=pl.lit(""))
    lookback = start - timedelta(days=SERVICE_LOOKBACK_DAYS)
    known = ok.filter(pl.col("day").is_between(lookback, end)).select(*on, *extra).unique()
    ok = ok.filter(pl.col("day").is_between(start, end))
    weeks = _weeks(start, end)
    n_weeks = max(len(weeks), 1)
    svc_days = ok.group_by(*on, *extra).agg(svc_days=pl.col("day").n_unique())
    services = (
        known.join(svc_days, on=[*on, *extra], how="left")
        .group_by(on)
        .agg(
            services=pl.len().cast(pl.Int64),
            deployment_days_per_week=(pl.col("svc_days").fill_null(0) / n_weeks).median(),
        )
    )
    per_week = ok.group_by(*on, pl.col("day").dt.truncate("1w").alias("week")).agg(
        days=pl.col("day").n_unique()
    )
    weekly = (
        services.select(on)
        .join(pl.LazyFrame({"week": weeks}), how="cross")
        .join(per_week, on=[*on, "week"], how="left")
        .with_columns(pl.col("days").fill_null(0))
    )
    med = weekly.group_by(on).agg(median_days_per_week=pl.col("days").median())
    totals = ok.group_by(on).agg(
        deployments=pl.len().cast(pl.Int64), deployment_days=pl.col("day").n_unique().cast(pl.Int64)
    )
    out = (
        services.join(totals, on=on, how="left")
        .join(med, on=on, how="left")
        .with_columns(pl.col("deployments", "deployment_days").fill_null(0))
        .with_columns(
            deployments_per_week=pl.col("deployments") / n_weeks,
            pooled_days_per_week=pl.col("deployment_days") / n_weeks,
            weeks=pl.lit(n_weeks),
        )
        .sort(on)
        .collect()
    )
    if not keys:
        # One row whatever was deployed: no service in the period deployed on 0 days a week.
        if out.is_empty():
            out = pl.select(
                pl.lit(n_weeks if name == "weeks" else 0).cast(dtype).alias(name)
                for name, dtype in out.schema.items()
            )
        out = out.drop("_")
    return out.with_columns(
        tier=pl.Series(
            [
                classify("deployment_frequency", v)
                for v in out["deployment_days_per_week"].to_list()
            ],
            dtype=pl.Utf8,
        ),
        report_year=pl.lit(DEFAULT_REPORT_YEAR),
    )


def lead_time_for_changes(
    changes: pl.DataFrame, deployments: pl.DataFrame, *, by: str | Sequence[str] | None = "service"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (per change, per group) lead time from first commit (else merge) to production.

    Changes whose deployment is not a successful production one, or with neither timestamp, are
    left out; negative lead times (clock skew) are clamped to zero. Groups get median and p85
    hours and the tier (2023).
    """
    keys = _keys(by)
    ok = _ok(deployments).select(
        pl.col("id").alias("deployment_id"), *keys, pl.col("finished").alias("deployed")
    )
    per = (
        changes.lazy()
        .join(ok, on="deployment_id", how="inner")
        .with_columns(since=pl.coalesce("first_commit_at", "merged"))
        .filter(pl.col("since").is_not_null())
        .with_columns(lead_time_hours=_hours(pl.col("deployed") - pl.col("since")).clip(0.0, None))
        .collect()
    )
    agg = [
        pl.len().alias("changes"),
        pl.col("lead_time_hours").median().alias("median_hours"),
        pl.col("lead_time_hours").quantile(0.85, interpolation="higher").alias("p85_hours"),
    ]
    grouped = per.group_by(keys).agg(agg).sort(keys) if keys else per.select(agg)
    tiers = [classify("lead_time_for_changes", v) for v in grouped["median_hours"].to_list()]
    return per, grouped.with_columns(
        tier=pl.Series(tiers, dtype=pl.Utf8), report_year=pl.lit(DEFAULT_REPORT_YEAR)
    )


def attribute_incidents(
    deployments: pl.DataFrame, incidents: pl.DataFrame, *, window_hours: float = 24.0
) -> pl.DataFrame:
    """Return (deployment id, incident id, started, resolved) links.

    An incident belongs to a deployment when it names it (``deployment_id``), else to the last
    successful production deployment of the same service that finished at most
    ``window_hours`` before the incident started; older deployments get nothing.
    """
    ok = _ok(deployments).select(
        pl.col("id").alias("dep"), "service", pl.col("finished").alias("deployed")
    )
    inc = incidents.lazy()
    has_link = "deployment_id" in incidents.columns
    linked_id = pl.col("deployment_id") if has_link else pl.lit(None, pl.Utf8)
    inc = inc.with_columns(_link=linked_id.cast(pl.Utf8))
    explicit = inc.filter(pl.col("_link").is_not_null() & (pl.col("_link") != "")).select(
        pl.col("_link").alias("dep"), pl.col("id").alias("incident"), "started", "resolved"
    )
    free = inc.filter(pl.col("_link").is_null() | (pl.col("_link") == "")).sort("started")
    window = timedelta(hours=window_hours)
    implicit = (
        free.join_asof(
            ok.sort("deployed"),
            left_on="started",
            right_on="deployed",
            by="service",
            strategy="backward",
            tolerance=window,
            check_sortedness=False,
        )
        .filter(pl.col("dep").is_not_null())
        .select("dep", pl.col("id").alias("incident"), "started", "resolved")
    )
    return pl.concat([explicit, implicit]).collect()


def _live(deployments: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Production deployments that reached production: successful or rolled back."""
    return deployments.lazy().filter(
        pl.col("is_production") & pl.col("status").is_in(["success", "rolled_back"])
    )


def attribute_hotfixes(deployments: pl.DataFrame, *, window_hours: float = 24.0) -> pl.DataFrame:
    """Return (deployment id, hotfix id, fixed) links: which deployment each hotfix repairs.

    A hotfix is a successful production deployment flagged ``unplanned`` (hotfix, rollback
    deployment, remediation). Like an incident, it belongs to the last production deployment
    (successful or rolled back) of the same service that finished strictly before it, at most
    ``window_hours`` earlier; older ones get nothing. Other hotfixes are skipped, so a rollback followed by a roll-forward fix blames the
    original change, not the rollback; a rolled-back deployment is the failed change itself
    (importers flag it unplanned too), never a hotfix. A hotfix is not a failed change for being
    unplanned: it fails only when it is rolled back or an incident is attributed to it.
    """
    empty = pl.DataFrame(
        schema={"dep": pl.Utf8, "hotfix": pl.Utf8, "fixed": pl.Datetime("us", "UTC")}
    )
    if "unplanned" not in deployments.columns:
        return empty
    live = _live(deployments).filter(pl.col("finished").is_not_null())
    is_fix = (pl.col("status") == "success") & pl.col("unplanned").fill_null(False)
    fixes = live.filter(is_fix).select(
        pl.col("id").alias("hotfix"), "service", pl.col("finished").alias("fixed")
    )
    changes = live.filter(~is_fix).select(
        pl.col("id").alias("dep"), "service", pl.col("finished").alias("deployed")
    )
    return (
        fixes.sort("fixed")
        .join_asof(
            changes.sort("deployed"),
            left_on="fixed",
            right_on="deployed",
            by="service",
            strategy="backward",
            tolerance=timedelta(hours=window_hours),
            allow_exact_matches=False,
            check_sortedness=False,
        )
        .filter(pl.col("dep").is_not_null())
        .select("dep", "hotfix", "fixed")
        .collect()
    )


def _per_deployment(
    deployments: pl.DataFrame, incidents: pl.DataFrame, window_hours: float, as_of: datetime
) -> pl.LazyFrame:
    links = attribute_incidents(deployments, incidents, window_hours=window_hours).lazy()
    per_dep = links.group_by("dep").agg(
        incidents=pl.len(),
        resolved=pl.col("resolved").fill_null(as_of).max(),
        downtime=(pl.col("resolved").fill_null(as_of) - pl.col("started")).sum(),
    )
    fixed = (
        attribute_hotfixes(deployments, window_hours=window_hours)
        .lazy()
        .group_by("dep")
        .agg(hotfixes=pl.len())
    )
    cols = [c for c in ("unplanned",) if c in deployments.columns]
    return (
        _live(deployments)
        .join(per_dep, left_on="id", right_on="dep", how="left")
        .join(fixed, left_on="id", right_on="dep", how="left")
        .with_columns(
            # Failed: an attributed incident, a rollback or an attributed hotfix. Recovery stays
            # "to the incidents' resolution": a failure without an incident has no recovery time.
            failed=pl.col("incidents").is_not_null()
            | (pl.col("status") == "rolled_back")
            | pl.col("hotfixes").is_not_null(),
            recovery_hours=_hours(pl.col("resolved") - pl.col("finished")).clip(0.0, None),
            downtime_hours=_hours(pl.col("downtime")).fill_null(0.0),
            unplanned=pl.col(cols[0]).fill_null(False) if cols else pl.lit(False),
        )
    )


def dora_metrics(
    deployments: pl.DataFrame,
    changes: pl.DataFrame,
    incidents: pl.DataFrame,
    start: date,
    end: date,
    *,
    by: str | Sequence[str] | None = "service",
    window_hours: float = 24.0,
) -> pl.DataFrame:
    """Return all DORA metrics per group for deployments finished in [start, end], with tiers.

    change_failure_rate: share of production deployments (successful or rolled back) that were
    rolled back or had an incident or a hotfix attributed within ``window_hours`` (an incident or
    hotfix just after ``end`` still counts for the last deployments of the range); recovery:
    median hours from a failed deployment to its incidents' resolution (open incidents run to
    ``end``; failures without an incident have none); downtime_per_release: incident hours per
    deployment; rework_rate: share flagged ``unplanned``. The deployment frequency tier is read
    from ``deployment_days_per_week``. Tiers follow the 2023 report.
    """
    keys = _keys(by)
    in_range = deployments.filter(pl.col("finished").dt.date().is_between(start, end))
    per = _per_deployment(deployments, incidents, window_hours, _end_dt(end)).filter(
        pl.col("finished").dt.date().is_between(start, end)
    )
    agg = per.group_by(keys or pl.lit(0).alias("_")).agg(
        production_deployments=pl.len().cast(pl.Int64),
        failed_deployments=pl.col("failed").sum().cast(pl.Int64),
        change_failure_rate=pl.col("failed").mean(),
        recovery_median_hours=pl.col("recovery_hours").filter(pl.col("failed")).median(),
        downtime_per_release_hours=pl.col("downtime_hours").mean(),
        rework_rate=pl.col("unplanned").mean(),
    )
    df = agg.collect()
    df = df.drop("_") if not keys else df
    # The whole frame: deployments before the range tell which services exist (see there).
    freq = deployment_frequency(deployments, start, end, by=by).drop("tier", "report_year")
    _, lead = lead_time_for_changes(changes, in_range, by=by)
    lead = lead.drop("tier", "report_year").rename(
        {
            "changes": "changes",
            "median_hours": "lead_time_median_hours",
            "p85_hours": "lead_time_p85_hours",
        }
    )
    if keys:
        df = df.join(freq, on=keys, how="full", coalesce=True).join(lead, on=keys, how="left")
        # A group whose production deployments were all rolled back deployed on 0 days a week.
        counts = ["deployments", "deployment_days", "services"]
        rates = [
            "median_days_per_week", "deployments_per_week", "deployment_days_per_week",
            "pooled_days_per_week",
        ]  # fmt: skip
        df = df.with_columns(
            pl.col(counts).fill_null(0),
            pl.col(rates).fill_null(0.0),
            pl.col("weeks").fill_null(max(len(_weeks(start, end)), 1)),
        ).sort(keys)
    else:
        df = pl.concat([df, freq, lead], how="horizontal")
    tiers = {
        "deployment_frequency_tier": ("deployment_frequency", "deployment_days_per_week"),
        "lead_time_tier": ("lead_time_for_changes", "lead_time_median_hours"),
        "change_failure_rate_tier": ("change_failure_rate", "change_failure_rate"),
        "recovery_tier": ("failed_deployment_recovery_time", "recovery_median_hours"),
    }
    return df.with_columns(
        *[
            pl.Series(name, [classify(m, v) for v in df[col].to_list()], dtype=pl.Utf8)
            for name, (m, col) in tiers.items()
        ],
        report_year=pl.lit(DEFAULT_REPORT_YEAR),
    )


def change_failure_rate(
    deployments: pl.DataFrame,
    incidents: pl.DataFrame,
    as_of: datetime,
    *,
    by: str | Sequence[str] | None = "service",
    window_hours: float = 24.0,
) -> pl.DataFrame:
    """Return per deployment whether it failed (rolled back, or an incident or a hotfix
    attributed within the window), its recovery and downtime hours; open incidents run to
    ``as_of``.

    Aggregate with ``dora_metrics`` for rates per group.
    """
    keys = _keys(by)
    per = _per_deployment(deployments, incidents, window_hours, as_of).collect()
    return per.select(
        "id",
        *[k for k in keys if k != "id"],
        "finished",
        "failed",
        "recovery_hours",
        "downtime_hours",
        "unplanned",
    )


def failed_deployment_recovery_time(
    deployments: pl.DataFrame,
    incidents: pl.DataFrame,
    as_of: datetime,
    *,
    window_hours: float = 24.0,
) -> pl.DataFrame:
    """Return failed deployments with hours from the deployment to its incidents' resolution."""
    per = change_failure_rate(deployments, incidents, as_of, by=None, window_hours=window_hours)
    return per.filter(pl.col("failed")).select("id", "finished", "recovery_hours")


def downtime_per_release(
    deployments: pl.DataFrame,
    incidents: pl.DataFrame,
    as_of: datetime,
    *,
    window_hours: float = 24.0,
) -> pl.DataFrame:
    """Return every production deployment with the incident hours attributed to it (0 if none)."""
    per = change_failure_rate(deployments, incidents, as_of, by=None, window_hours=window_hours)
    return per.select("id", "finished", "downtime_hours")


def deployment_rework_rate(
    deployments: pl.DataFrame, *, by: str | Sequence[str] | None = "service"
) -> pl.DataFrame:
    """Return per group the share of successful production deployments flagged ``unplanned``."""
    keys = _keys(by)
    ok = _ok(deployments).with_columns(pl.col("unplanned").fill_null(False))
    agg = [pl.len().alias("deployments"), pl.col("unplanned").mean().alias("rework_rate")]
    return (ok.group_by(keys).agg(agg).sort(keys) if keys else ok.select(agg)).collect()
