"""Read the workflow of a jira-agile-metrics config file (its ``Workflow`` and column options).

The tool's format: ``Workflow`` is an ordered mapping of column name to one status or a list of
statuses; ``Backlog column``, ``Committed column``, ``Final column`` and ``Done column`` (at
the top level or under ``Output``) name columns, defaulting to the first, second, second-to-last
and last.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class JamConfigError(ValueError):
    """The config file has no usable workflow; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class JamColumn:
    """One workflow column and the Jira statuses that belong to it."""

    name: str
    statuses: list[str]


@dataclass(frozen=True, slots=True)
class JamWorkflow:
    """The ordered columns of a jira-agile-metrics workflow and its named columns."""

    columns: list[JamColumn]
    backlog_column: str
    committed_column: str
    final_column: str
    done_column: str

    def column_of(self, status: str) -> str | None:
        """Return the column a status belongs to, ignoring case (None when unmapped)."""
        wanted = status.casefold()
        for column in self.columns:
            if any(s.casefold() == wanted for s in column.statuses):
                return column.name
        return None


def read_workflow(path: str | Path) -> JamWorkflow:
    """Read the workflow section of a jira-agile-metrics YAML config file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise JamConfigError(f"{path.name}: not valid YAML ({error})") from None
    if not isinstance(data, dict):
        raise JamConfigError(f"{path.name}: expected a mapping at the top level")
    options = _lower_keys(data)
    workflow = options.get("workflow")
    if not isinstance(workflow, dict) or len(workflow) < 2:
        raise JamConfigError(f"{path.name}: 'Workflow' must map at least two columns to statuses")
    columns = []
    for name, statuses in workflow.items():
        listed = statuses if isinstance(statuses, list) else [statuses]
        if not listed or any(not isinstance(s, str | int) or s == "" for s in listed):
            raise JamConfigError(
                f"{path.name}: Workflow column {name!r} needs a status name or a list of them"
            )
        columns.append(JamColumn(str(name), [str(s) for s in listed]))
    names = [c.name for c in columns]
    output = _lower_keys(options.get("output") or {})

    def named(key: str, default: str) -> str:
        value = output.get(key, options.get(key, default))
        if str(value) not in names:
            raise JamConfigError(
                f"{path.name}: {key.capitalize()} {value!r} is not a Workflow column "
                f"(columns: {', '.join(names)})"
            )
        return str(value)

    return JamWorkflow(
        columns=columns,
        backlog_column=named("backlog column", names[0]),
        committed_column=named("committed column", names[1]),
        final_column=named("final column", names[-2]),
        done_column=named("done column", names[-1]),
    )


def _lower_keys(mapping: Any) -> dict[str, Any]:
    """Return a mapping's top-level keys lowercased (the tool's keys are case-insensitive)."""
    if not isinstance(mapping, dict):
        return {}
    return {str(k).strip().lower(): v for k, v in mapping.items()}
