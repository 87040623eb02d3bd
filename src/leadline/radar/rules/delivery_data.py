"""What the delivery rules share: the workspace's delivery frames as they stood at the run's
``now``, its releases, and DORA figures per team for a window, each computed once per run.

The frames are the DORA page's (:func:`leadline.delivery.frames.read_delivery`) and every
figure comes from the engine's own definitions (:mod:`leadline.flow.dora`), so a finding's
numbers are the ones the DORA page shows for the same team and dates. Reading "as of now" (no
deployment finished later, incidents still open at ``now`` open) lets a run with time frozen in
the past see what a run on that day saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

from leadline import defaults
from leadline.delivery.frames import ScopeFilter, read_delivery

from ..context import RunContext
from ..registry import plural as plural  # the rules' one pluraliser

# Production deployments less than this apart are one release (a release deploys each of a
# team's services in turn, and a train's deployments can run past midnight).
RELEASE_GAP_HOURS = 12
WINDOW_HOURS = float(defaults.FAILURE_WINDOW_HOURS)


@dataclass(frozen=True)
class Frames:
    deployments: pl.DataFrame
    changes: pl.DataFrame
    incidents: pl.DataFrame


def frames(ctx: RunContext) -> Frames:
    """The workspace's (deployments, changes, incidents) as known at ``ctx.now``."""

    def load() -> Frames:
        deps, changes, incidents = read_delivery(ScopeFilter.of(ctx.workspace))
        now = ctx.now
        deps = deps.filter(pl.col("finished") <= now)
        known = deps.filter(pl.col("is_production") & (pl.col("status") == "success"))["id"]
        changes = changes.with_columns(
            deployment_id=pl.when(pl.col("deployment_id").is_in(known.implode()))
            .then(pl.col("deployment_id"))
            .otherwise(None)
        )
        incidents = incidents.filter(pl.col("started") <= now).with_columns(
            resolved=pl.when(pl.col("resolved") <= now).then(pl.col("resolved")).otherwise(None)
        )
        return Frames(deps, changes, incidents)

    return ctx.memo("delivery-frames", load)


@dataclass(frozen=True)
class Release:
    at: date  # the day its first deployment finished (UTC)
    changes: int  # changes it shipped (each change ships with its first production deployment)
    gap: int | None  # days since the team's release before it; None for the first one


def releases(ctx: RunContext) -> dict[str, list[Release]]:
    """Each team's (slug) releases in time order: bursts of planned (not hotfix) successful
    production deployments with no pause longer than :data:`RELEASE_GAP_HOURS`."""

    def load() -> dict[str, list[Release]]:
        f = frames(ctx)
        ok = f.deployments.filter(
            pl.col("is_production")
            & (pl.col("status") == "success")
            & ~pl.col("unplanned")  # a hotfix repairs a release; it is none itself
            & (pl.col("team") != "")
        ).sort("team", "finished")
        shipped = (
            f.changes.filter(pl.col("deployment_id").is_not_null())
            .group_by("deployment_id")
            .agg(n=pl.len())
        )
        ok = ok.join(shipped, left_on="id", right_on="deployment_id", how="left").with_columns(
            pl.col("n").fill_null(0)
        )
        new = (
            (pl.col("team") != pl.col("team").shift(1))
            | (pl.col("finished") - pl.col("finished").shift(1)
               > timedelta(hours=RELEASE_GAP_HOURS))
            | pl.col("finished").shift(1).is_null()
        )  # fmt: skip
        grouped = (
            ok.with_columns(release=new.cum_sum())
            .group_by("team", "release")
            .agg(at=pl.col("finished").min().dt.date(), changes=pl.col("n").sum())
            .sort("team", "at")
        )
        out: dict[str, list[Release]] = {}
        for team, at, n in grouped.select("team", "at", "changes").iter_rows():
            mine = out.setdefault(team, [])
            mine.append(Release(at, int(n), (at - mine[-1].at).days if mine else None))
        return out

    return ctx.memo("delivery-releases", load)


def dora_by_team(ctx: RunContext, start: date, end: date) -> dict[str, dict[str, Any]]:
    """DORA figures per team slug for deployments finished in [start, end] (the engine's
    :func:`leadline.flow.dora_metrics`, the attribution window of the DORA page)."""

    def load() -> dict[str, dict[str, Any]]:
        from leadline.flow import dora_metrics

        f = frames(ctx)
        frame = dora_metrics(
            f.deployments, f.changes, f.incidents, start, end, by="team", window_hours=WINDOW_HOURS
        )
        return {row["team"]: row for row in frame.to_dicts() if row.get("team")}

    return ctx.memo(("dora-by-team", start, end), load)


def windows(ctx: RunContext, days: int) -> tuple[tuple[date, date], tuple[date, date]]:
    """The last ``days`` days up to today, and the ``days`` days before them."""
    recent = (ctx.today - timedelta(days=days - 1), ctx.today)
    before = (recent[0] - timedelta(days=days), recent[0] - timedelta(days=1))
    return recent, before


def pct(x: float | None) -> str:
    return "none" if x is None else f"{round(100 * x)} %"


def hours(x: float | None) -> str:
    if x is None:
        return "none"
    return f"{x * 60:.0f} minutes" if x < 1 else f"{x:.1f} hours"
