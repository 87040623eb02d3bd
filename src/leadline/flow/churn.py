"""Plan churn (sprint scope changes after the start) and reopened items."""

from __future__ import annotations

import polars as pl

from leadline.flow.stages import ACTIVE, BACKLOG, DONE, mapped_transitions
from leadline.flow.workflow import Workflow


def plan_churn(
    sprint_changes: pl.DataFrame,
    sprints: pl.DataFrame,
    *,
    rank_changes: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return per sprint the committed scope at its start and what changed after it started.

    sprint_changes: item_id, sprint, at, added (False = removed). sprints: sprint, start, end
    (end null = still running). committed: items in the sprint at its start; added/removed:
    moves after the start and before the end (an item added and removed again counts in both);
    churn = (added + removed) / committed (null when nothing was committed). rank_changes
    (item_id, at) adds ``reranks``: rank changes of items in the sprint while it ran.
    """
    ch = sprint_changes.lazy().join(sprints.lazy(), on="sprint", how="inner")
    before = ch.filter(pl.col("at") <= pl.col("start")).sort("at")
    committed = (
        before.group_by("sprint", "item_id")
        .agg(pl.col("added").last())
        .filter(pl.col("added"))
        .group_by("sprint")
        .agg(committed=pl.len().cast(pl.Int64))
    )
    during = ch.filter(
        (pl.col("at") > pl.col("start"))
        & (pl.col("end").is_null() | (pl.col("at") <= pl.col("end")))
    )
    moves = during.group_by("sprint").agg(
        added=pl.col("added").sum().cast(pl.Int64),
        removed=(~pl.col("added")).sum().cast(pl.Int64),
    )
    out = (
        sprints.lazy()
        .select("sprint", "start", "end")
        .join(committed, on="sprint", how="left")
        .join(moves, on="sprint", how="left")
        .with_columns(pl.col("committed", "added", "removed").fill_null(0))
        .with_columns(
            churn=pl.when(pl.col("committed") > 0).then(
                (pl.col("added") + pl.col("removed")) / pl.col("committed")
            )
        )
    )
    if rank_changes is not None:
        members = ch.select("sprint", "item_id").unique()
        rr = (
            rank_changes.lazy()
            .join(members, on="item_id", how="inner")
            .join(sprints.lazy(), on="sprint", how="inner")
            .filter(
                (pl.col("at") > pl.col("start"))
                & (pl.col("end").is_null() | (pl.col("at") <= pl.col("end")))
            )
            .group_by("sprint")
            .agg(reranks=pl.len().cast(pl.Int64))
        )
        out = out.join(rr, on="sprint", how="left").with_columns(pl.col("reranks").fill_null(0))
    return out.sort("start", "sprint").collect()


def reopened_items(
    transitions: pl.DataFrame, workflow: Workflow, *, strict: bool = True
) -> pl.DataFrame:
    """Return every move from a done stage back to an active or backlog stage.

    Columns: item_id, at, from_stage, to_stage, to_category. Moves between two done stages and
    into removed stages are not reopenings.
    """
    names = workflow.names
    t = mapped_transitions(transitions, workflow, strict=strict)
    same = pl.col("item_id") == pl.col("item_id").shift(1)
    return (
        t.with_columns(
            prev_cat=pl.when(same).then(pl.col("cat").shift(1)),
            prev_stage=pl.when(same).then(pl.col("stage").shift(1)),
        )
        .filter((pl.col("prev_cat") == DONE) & pl.col("cat").is_in([ACTIVE, BACKLOG]))
        .select(
            "item_id",
            "at",
            from_stage=pl.col("prev_stage").replace_strict(
                list(range(len(names))), names, return_dtype=pl.Utf8
            ),
            to_stage=pl.col("stage").replace_strict(
                list(range(len(names))), names, return_dtype=pl.Utf8
            ),
            to_category=pl.when(pl.col("cat") == ACTIVE)
            .then(pl.lit("active"))
            .otherwise(pl.lit("backlog")),
        )
        .collect()
    )
