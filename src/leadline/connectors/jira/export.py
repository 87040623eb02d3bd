"""Read a Jira JSON export: a search response ({"issues": [...]}), a list of issues, or JSON lines.

JSON lines are read one line at a time; the two JSON-document shapes are parsed whole (the
standard library has no streaming parser) but mapped and yielded one issue at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from leadline.connectors.http import json_kind
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
                f"{path.name}: issue #{index} is {json_kind(issue)}, not a JSON object"
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
    yield from _document(path)


def _document(path: Path) -> Iterator[tuple[int, Any, dict[str, str] | None]]:
    """Stream the issues of a JSON document one by one (an export can be gigabytes)."""
    import ijson

    with path.open("rb") as raw:
        head = raw.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"["):
        prefix, names = "item", None
    elif head.startswith(b"{"):
        prefix, names = "issues.item", _names(path)
    else:
        raise JiraExportError(f"{path.name}: expected an object with 'issues' or a list")
    index = 0
    try:
        with path.open("rb") as raw:
            for index, issue in enumerate(ijson.items(raw, prefix, use_float=True), start=1):
                yield index, issue, names
    except ijson.JSONError as error:
        raise JiraExportError(_position(path, index, error)) from None
    if index == 0 and prefix == "issues.item" and not _has_issues(path):
        raise JiraExportError(f"{path.name}: a JSON object export needs an 'issues' list")


def _position(path: Path, index: int, error: Exception) -> str:
    """Describe where a document stops being valid JSON, by line and column when possible."""
    try:  # only on the error path: the standard parser knows line and column
        json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exact:
        return (
            f"{path.name} line {exact.lineno}, column {exact.colno}: not valid JSON ({exact.msg})"
        )
    except (OSError, MemoryError):
        pass
    where = f"after issue #{index}" if index else "before the first issue"
    return f"{path.name}: not valid JSON {where} ({error})"


def _names(path: Path) -> dict[str, str] | None:
    """Return the export's ``names`` map (field id → name) when it has one."""
    import ijson

    try:
        with path.open("rb") as raw:
            found = next(ijson.items(raw, "names"), None)
    except ijson.JSONError:
        return None  # reported with its position when the issues are read
    return found if isinstance(found, dict) else None


def _has_issues(path: Path) -> bool:
    import ijson

    with path.open("rb") as raw:
        return any(
            prefix == "issues" and event == "start_array" for prefix, event, _ in ijson.parse(raw)
        )


def _is_issue_line(line: str) -> bool:
    if len(line) > 20_000_000:  # a whole document on one line, not one issue
        return False
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
