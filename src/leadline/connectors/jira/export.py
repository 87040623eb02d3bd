"""Read a Jira JSON export: a search response ({"issues": [...]}), a list of issues, or JSON lines.

JSON lines are read one line at a time; the two JSON-document shapes are parsed whole (the
standard library has no streaming parser) but mapped and yielded one issue at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from leadline.connectors.jira.mapping import (
    FieldIds,
    JiraMappingError,
    field_ids_from_names,
    item_from_issue,
)
from leadline.records import WorkItemRecord


class JiraExportError(ValueError):
    """A Jira export file cannot be read; the message names the file, issue and field."""


def read_export(
    path: str | Path,
    *,
    source: str = "jira",
    field_ids: FieldIds | None = None,
    base_url: str = "",
) -> Iterator[WorkItemRecord]:
    """Yield one record per issue of an export file; raise JiraExportError naming where."""
    path = Path(path)
    for index, issue, names in _issues(path):
        if field_ids is None and names:
            field_ids = field_ids_from_names(names)
        if not isinstance(issue, Mapping):
            raise JiraExportError(
                f"{path.name}: issue #{index} is a {type(issue).__name__}, not a JSON object"
            )
        try:
            yield item_from_issue(issue, source=source, field_ids=field_ids, base_url=base_url)
        except JiraMappingError as error:
            raise JiraExportError(f"{path.name}: issue #{index} ({error})") from None


def _issues(path: Path) -> Iterator[tuple[int, Any, dict[str, str] | None]]:
    with path.open(encoding="utf-8-sig") as handle:
        first = handle.readline()
        stripped = first.strip()
        if stripped.startswith("{") and _is_issue_line(stripped):
            yield from _json_lines(path, handle, first)
            return
        text = first + handle.read()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise JiraExportError(
            f"{path.name} line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"
        ) from None
    if isinstance(data, Mapping):
        issues = data.get("issues")
        if not isinstance(issues, list):
            raise JiraExportError(f"{path.name}: a JSON object export needs an 'issues' list")
        names = data.get("names") if isinstance(data.get("names"), dict) else None
    elif isinstance(data, list):
        issues, names = data, None
    else:
        raise JiraExportError(f"{path.name}: expected an object with 'issues' or a list")
    for index, issue in enumerate(issues, start=1):
        yield index, issue, names


def _is_issue_line(line: str) -> bool:
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        return False
    return isinstance(value, dict) and "issues" not in value


def _json_lines(
    path: Path, handle: Any, first: str
) -> Iterator[tuple[int, Any, dict[str, str] | None]]:
    lines = iter([first])
    index = 0
    for lineno, line in enumerate(_chain(lines, handle), start=1):
        if not line.strip():
            continue
        index += 1
        try:
            yield index, json.loads(line), None
        except json.JSONDecodeError as error:
            raise JiraExportError(
                f"{path.name} line {lineno}: not valid JSON ({error.msg}, column {error.colno})"
            ) from None


def _chain(*parts: Any) -> Iterator[str]:
    for part in parts:
        yield from part
