"""The data-quality report: what in a team's delivery data can't be trusted, and why.

Each check lists the items it found (key and a one-line reason) so a person can go and look.
The report is computed from the stored histories and the workspace's status mappings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.core.cache import cache
from django.db.models import Count, Max

from leadline.workspaces.models import Team, Workspace

from .models import ImportProblem, StatusMapping, WorkItem
from .services import History, load_history

RANK = {"backlog": 0, "active": 1, "done": 2}
LIMIT = 200  # items listed per check; the count is always complete

CHECKS = {
    "finished_never_started": "Finished without ever being started (no active stage): "
    "cycle time cannot be measured, so its start is taken to be its finish (1 day). When fewer "
    "than half of the items finished in a date range were ever started (for example a CSV with "
    "created and finished dates only), the Flow page shows lead time (created → finished) "
    "instead of cycle time and says so.",
    "moved_backwards": "Moved backwards (e.g. done → active, active → backlog): rework, or a "
    "board used inconsistently.",
    "changed_after_done": "Status changed after done without reopening (e.g. Done → Closed): "
    "the finish date may be the wrong one.",
    "finished_before_created": "Finished before it was created: a migration or clock artefact.",
    "history_gaps": "Gaps in history: a change starts from a status the item was not in "
    "(a workflow migration or lost changelog entries).",
    "unmapped_statuses": "Statuses with no stage mapping: transitions into them are left out "
    "of every metric until they are mapped.",
    "rejected_rows": "Rows an import rejected as impossible or unreadable.",
}


@dataclass
class Finding:
    check: str
    count: int = 0
    examples: list[dict[str, str]] = field(default_factory=list)

    def add(self, key: str, detail: str) -> None:
        self.count += 1
        if len(self.examples) < LIMIT:
            self.examples.append({"key": key, "detail": detail})


def quality_report(
    workspace: Workspace, team: Team | None = None, history: History | None = None
) -> dict[str, Any]:
    """Return the report: item totals, and per check its meaning, count and examples.

    The checks run as column operations over the scope's history (``history``, when the caller
    has already loaded it for the same workspace and team, else loaded here).
    """
    if history is None:
        history = load_history(workspace, team)
    mapping = pl.DataFrame(
        list(StatusMapping.objects.filter(workspace=workspace).values_list(
            "source", "status", "category"
        )),
        schema={"source": pl.Utf8, "to_status": pl.Utf8, "category": pl.Utf8},
        orient="row",
    )  # fmt: skip
    findings = check_history(history, mapping)
    problems = ImportProblem.objects.filter(workspace=workspace)
    for problem in problems[:LIMIT]:
        findings["rejected_rows"].examples.append(
            {"key": problem.location, "detail": problem.message}
        )
    findings["rejected_rows"].count = problems.count()
    affected = sum(
        f.count for n, f in findings.items() if n not in ("unmapped_statuses", "rejected_rows")
    )
    by_type = history.items.group_by("type").len().sort("type")
    return {
        "workspace": workspace.slug,
        "team": team.slug if team else None,
        "items": history.items.height,
        "transitions": history.transitions.height,
        "findings": affected,
        "checks": [
            {
                "check": name,
                "meaning": CHECKS[name],
                "count": findings[name].count,
                "examples": findings[name].examples,
            }
            for name in CHECKS
        ],
        "by_type": dict(by_type.iter_rows()),
    }


def check_history(history: History, mapping: pl.DataFrame) -> dict[str, Finding]:
    """Run the checks on stored histories; ``mapping`` has source, to_status and category.

    Pure: no database. Rows with no category (unmapped, or mapped to nothing) are unmapped.
    """
    findings = {name: Finding(name) for name in CHECKS}
    rows = _classified(history, mapping)
    _history_checks(rows, history.items, findings)
    unmapped = (
        rows.filter(pl.col("category").is_null())
        .group_by("to_status")
        .len()
        .sort(["len", "to_status"], descending=[True, False])
    )
    for status, n in unmapped.iter_rows():
        findings["unmapped_statuses"].count += 1
        findings["unmapped_statuses"].examples.append(
            {"key": status, "detail": f"{n} transitions into it"}
        )
    return findings


def _classified(history: History, mapping: pl.DataFrame) -> pl.DataFrame:
    """Return each transition with its item's key, its category and the one before it."""
    same_item = pl.col("item_id") == pl.col("item_id").shift(1)

    def before(column: str) -> pl.Expr:  # rows are sorted by item: shift, then cut at items
        return pl.when(same_item).then(pl.col(column).shift(1))

    return (
        history.transitions.join(
            history.items.select("item_id", "key", "source"), on="item_id", how="inner"
        )
        .join(mapping, on=["source", "to_status"], how="left")
        .sort("item_id", "seq")
        .with_columns(
            rank=pl.col("category").replace_strict(RANK, default=None, return_dtype=pl.Int8)
        )
        .with_columns(
            previous=before("to_status"), before=before("category"), before_rank=before("rank")
        )
    )


def _history_checks(rows: pl.DataFrame, items: pl.DataFrame, findings: dict[str, Finding]) -> None:
    """Fill the per-item checks from the classified transitions (see :data:`CHECKS`)."""
    day = pl.col("at").dt.strftime("%Y-%m-%d")
    # concat_str, not pl.format: Polars 2.1's format panics on this frame's shifted strings.
    move = pl.concat_str(pl.col("previous"), pl.lit(" → "), "to_status", pl.lit(" on "), day)
    gaps = rows.filter(
        pl.col("previous").is_not_null()
        & pl.col("from_status").is_not_null()
        & (pl.col("from_status") != pl.col("previous"))
    )
    for key, at, left, was in gaps.select("key", "at", "from_status", "previous").iter_rows():
        findings["history_gaps"].add(key, f"{at:%Y-%m-%d}: left {left!r} but was in {was!r}")
    _per_item(
        rows.filter(pl.col("rank") < pl.col("before_rank")), move, findings["moved_backwards"]
    )
    after_done = (
        (pl.col("before") == "done")
        & (pl.col("category") == "done")
        & (pl.col("previous") != pl.col("to_status"))
    )
    _per_item(rows.filter(after_done), move, findings["changed_after_done"])
    # The item is done after its last move into done from elsewhere, unless a later move went
    # back to active or backlog; moves into unmapped or removed statuses change nothing.
    entered_done = (pl.col("category") == "done") & (pl.col("before").fill_null("") != "done")
    state = (
        rows.filter(entered_done | pl.col("category").is_in(["active", "backlog"]))
        .group_by("item_id")
        .agg(
            done=entered_done.last(),
            last_done_at=pl.col("at").filter(entered_done).last(),
        )
    )
    started = rows.group_by("item_id").agg(started=(pl.col("category") == "active").any())
    finished = (
        state.filter("done")
        .join(started, on="item_id", how="left")
        .join(items.select("item_id", "key", "created"), on="item_id")
        .sort("item_id")
    )
    for (key,) in finished.filter(~pl.col("started").fill_null(False)).select("key").iter_rows():
        findings["finished_never_started"].add(key, "went to done with no active stage")
    early = finished.filter(pl.col("last_done_at") < pl.col("created"))
    for key, done_at, created in early.select("key", "last_done_at", "created").iter_rows():
        findings["finished_before_created"].add(
            key, f"finished {done_at:%Y-%m-%d %H:%M}, created {created:%Y-%m-%d %H:%M}"
        )


def _per_item(moves: pl.DataFrame, detail: pl.Expr, finding: Finding) -> None:
    """Record one finding per item with up to three of its moves as the detail."""
    per_item = (
        moves.select("item_id", "key", detail.alias("detail"))
        .group_by("item_id", maintain_order=True)
        .agg(pl.col("key").first(), pl.col("detail").head(3).str.join("; "))
    )
    for key, text in per_item.select("key", "detail").iter_rows():
        finding.add(key, text)


def quality_note(report: dict[str, Any]) -> str:
    """Summarise a report in one sentence, for beside a metric."""
    if not report["items"]:
        return "No items imported yet."
    flagged = [c for c in report["checks"] if c["count"] and c["check"] != "rejected_rows"]
    if not flagged:
        return f"All {report['items']} items passed the data-quality checks."
    parts = [f"{c['count']} {c['check'].replace('_', ' ')}" for c in flagged]
    return f"{report['items']} items; check: " + ", ".join(parts) + "."


def data_version(workspace: Workspace, team: Team | None = None) -> str:
    """Return a key that changes whenever the data behind a quality report can have changed.

    Imports stamp every item they write (``imported_at``); mappings and rejected rows are few,
    so they are read whole. Cheap next to the report itself.
    """
    items = WorkItem.objects.filter(workspace=workspace)
    if team is not None:
        items = items.filter(team=team)
    stamp = items.aggregate(n=Count("id"), last=Max("imported_at"))
    mappings = list(
        StatusMapping.objects.filter(workspace=workspace)
        .order_by("id")
        .values_list("id", "category", "waiting")
    )
    problems = ImportProblem.objects.filter(workspace=workspace).aggregate(
        n=Count("id"), m=Max("id")
    )
    # The time zone decides which day a move falls on: changing it changes every figure.
    raw = repr((stamp, mappings, problems, workspace.tz)).encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def cached_quality_report(
    workspace: Workspace,
    team: Team | None = None,
    *,
    teams: tuple[Team, ...] = (),
    version: str | None = None,
    history: Callable[[], History] | None = None,
) -> dict[str, Any]:
    """Return :func:`quality_report`, recomputed only when the data changed since last time.

    ``teams`` (several teams together) reports on their items only. ``version`` is
    :func:`data_version` if the caller already has it; ``history`` returns the scope's history
    if the caller has loaded (or will load) it anyway.
    """
    version = version or data_version(workspace, team)
    who = ",".join(str(t.pk) for t in teams) or (team.pk if team else "all")
    key = f"quality:{workspace.pk}:{who}:{version}"
    report = cache.get(key)
    if report is None:
        if teams and history is None:
            slugs = [t.slug for t in teams]
            history = lambda: load_history(workspace).for_teams(*slugs)  # noqa: E731
        report = quality_report(workspace, team, history() if history else None)
        cache.set(key, report, timeout=24 * 3600)
    return report
