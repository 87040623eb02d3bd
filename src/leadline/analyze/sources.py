"""Load tracker files (Jira JSON exports, Leadline CSV) and a workflow into engine frames."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from leadline.connectors.jira.jam_config import JamConfigError, read_workflow
from leadline.flow.frames import frames_from_records
from leadline.flow.workflow import Stage, Workflow, workflow_from_jam
from leadline.records import StageCategory

SOURCES = ("jira-json", "csv")
# Jira's status category keys (statusCategory.key) -> stage category.
_JIRA_CATEGORY = {"new": "backlog", "indeterminate": "active", "done": "done"}
_STAGE_NAMES = {
    "backlog": "Backlog",
    "active": "In Progress",
    "done": "Done",
    "removed": "Removed",
}


class AnalyzeInputError(ValueError):
    """An input file cannot be analysed; the message names the file and where in it."""


@dataclass(slots=True)
class Loaded:
    """Frames of all input files, the workflow they map through and what it left unmapped."""

    items: pl.DataFrame
    transitions: pl.DataFrame
    workflow: Workflow
    workflow_source: str
    unmapped: list[str] = field(default_factory=list)
    fast_path: bool = True
    # Rows left out as impossible (file, line, reason), as `leadline import` rejects them.
    rejected: list[tuple[str, int, str]] = field(default_factory=list)


def load(
    paths: Sequence[str | Path],
    source: str,
    *,
    workflow_path: str | Path | None = None,
    encoding: str | None = None,
) -> Loaded:
    """Read every file into one pair of frames (item ids continue across files) and a workflow.

    Without ``workflow_path`` statuses map by the tracker's own category (Jira's status
    category, the CSV's category column or dated shape); statuses with no known category are
    left unmapped, so moves into them are ignored and listed. Raise AnalyzeInputError naming the
    file, line or issue, and field.
    """
    if source not in SOURCES:
        raise AnalyzeInputError(f"unknown source {source!r}; use one of {', '.join(SOURCES)}")
    if not paths:
        raise AnalyzeInputError("no input file given")
    parts: list[tuple[pl.DataFrame, pl.DataFrame]] = []
    categories: dict[str, str] = {}
    fast = True
    rejected: list[tuple[str, int, str]] = []
    for path in map(Path, paths):
        if not path.is_file():
            raise AnalyzeInputError(f"{path}: no such file")
        if source == "jira-json":
            items, trans, cats, used_fast = _jira(path)
            fast = fast and used_fast
        else:
            items, trans, cats = _csv(path, rejected, encoding)
            fast = False
        for status, cat in cats.items():
            categories.setdefault(status, cat)
        parts.append((items, trans))
    items, transitions = _concat(parts)
    if len(parts) > 1:  # an item in several files (overlapping exports) counts once: the last
        kept = items.unique(subset=["key"], keep="last", maintain_order=True)
        if kept.height < items.height:
            items = kept
            transitions = transitions.join(items.select("item_id"), on="item_id", how="semi")
    if workflow_path is not None:
        workflow = _jam_workflow(Path(workflow_path))
        transitions = _match_case(transitions, workflow)
        wf_source = str(workflow_path)
    else:
        workflow = category_workflow(categories)
        wf_source = "status categories"
    seen = transitions.get_column("status").unique().to_list()
    return Loaded(
        items,
        transitions,
        workflow,
        wf_source,
        workflow.unmapped_statuses(seen),
        fast_path=fast,
        rejected=rejected,
    )


def category_workflow(categories: dict[str, str]) -> Workflow:
    """Return a workflow of one stage per category (Backlog, In Progress, Done, Removed).

    Categories with no status get no stage; an empty mapping gives a single Backlog stage.
    """
    grouped: dict[str, list[str]] = {c: [] for c in _STAGE_NAMES}
    for status, cat in sorted(categories.items()):
        if cat in grouped:
            grouped[cat].append(status)
    stages = [
        Stage(_STAGE_NAMES[c], StageCategory(c), tuple(s), False) for c, s in grouped.items() if s
    ]
    return Workflow(tuple(stages) or (Stage("Backlog", StageCategory.BACKLOG),))


def _jam_workflow(path: Path) -> Workflow:
    if not path.is_file():
        raise AnalyzeInputError(f"{path}: no such workflow file")
    try:
        return workflow_from_jam(read_workflow(path))
    except (JamConfigError, ValueError) as error:
        raise AnalyzeInputError(f"{path}: {error}") from None


def _match_case(transitions: pl.DataFrame, workflow: Workflow) -> pl.DataFrame:
    """Spell statuses as the workflow does when they differ only in case (the peer ignores case)."""
    known = {s.casefold(): s for st in workflow.stages for s in st.statuses}
    seen = transitions.get_column("status").unique().to_list()
    fix = {s: known[s.casefold()] for s in seen if s not in known and s.casefold() in known}
    if not fix:
        return transitions
    return transitions.with_columns(pl.col("status").replace(fix))


def _jira(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str], bool]:
    from leadline.connectors.jira.frames import read_jira_frames

    frames = read_jira_frames(path)
    if frames is not None:
        cats = {s: _JIRA_CATEGORY[k] for s, k in frames.categories.items() if k in _JIRA_CATEGORY}
        return frames.items, frames.transitions, cats, True
    items, trans, cats = read_jira_reference(path)
    return items, trans, cats, False


def read_jira_reference(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str]]:
    """Read a Jira export through the connector's records (the reference for the fast path)."""
    from leadline.connectors.jira.export import JiraExportError
    from leadline.connectors.jira.frames import read_jira_reference as read

    try:
        return read(path)
    except JiraExportError as error:
        raise AnalyzeInputError(str(error)) from None
    except UnicodeDecodeError as error:
        raise AnalyzeInputError(f"{path.name}: not UTF-8 text ({error.reason})") from None


def _csv(
    path: Path, rejected: list[tuple[str, int, str]], encoding: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str]]:
    from leadline.connectors.csv import CsvFormatError, CsvRowError, dated_statuses
    from leadline.connectors.csv import read_work_items as open_items
    from leadline.connectors.textfile import EncodingProblem
    from leadline.records import WorkItemRecord

    try:
        reader = open_items(path, encoding=encoding)
        records = [r for r in reader if isinstance(r, WorkItemRecord)]
    except (CsvRowError, CsvFormatError, EncodingProblem) as error:
        msg = str(error)
        raise AnalyzeInputError(msg if path.name in msg else f"{path.name}: {msg}") from None
    except UnicodeDecodeError as error:
        raise AnalyzeInputError(f"{path.name}: not UTF-8 text ({error.reason})") from None
    # Impossible rows (e.g. finished before created) are left out and listed, not fatal.
    rejected += [(str(path), r.line, r.reason) for r in reader.rejected]
    statuses = reader.statuses.values() if reader.kind == "transitions" else dated_statuses()
    cats = {s.name: str(s.category) for s in statuses if s.category is not None}
    items, trans = frames_from_records(records)
    return items, trans, cats


def _concat(parts: list[tuple[pl.DataFrame, pl.DataFrame]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    if len(parts) == 1:
        return parts[0]
    items_l, trans_l = [], []
    offset = 0
    for items, trans in parts:
        items_l.append(items.with_columns(pl.col("item_id") + offset))
        trans_l.append(trans.with_columns(pl.col("item_id") + offset))
        offset += items.height
    return pl.concat(items_l), pl.concat(trans_l)
