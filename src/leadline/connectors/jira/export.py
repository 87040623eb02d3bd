"""Read a Jira JSON export: a search response ({"issues": [...]}), a list of issues, or JSON lines.

JSON lines are read one line at a time; the two JSON-document shapes are streamed with ijson and
mapped and yielded one issue at a time. Every way a file can be broken (another encoding, cut
off, nested thousands of levels deep) is reported with the line and column, or the issue, where
it stops being a Jira export; never as a bare parser or RecursionError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from leadline.connectors import textfile
from leadline.connectors.errors import json_kind
from leadline.connectors.jira.mapping import (
    FieldIds,
    JiraImplausible,
    JiraMappingError,
    field_ids_from_names,
    item_from_issue,
)
from leadline.records import WorkItemRecord

# How ijson's backends say the document ended early (yajl, and the pure-Python one).
_TRUNCATED = re.compile(r"premature EOF|Incomplete JSON|incomplete", re.I)


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
    yield from JiraExportReader(
        path, source=source, field_ids=field_ids, base_url=base_url, strict=True
    )


class JiraExportReader:
    """Iterate an export's issues as records; afterwards ``rejected`` lists (where, why).

    An issue with a date outside ``leadline.bounds`` is rejected and the rest imports (with
    ``strict`` it raises instead); any other unreadable issue raises JiraExportError naming it.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        source: str = "jira",
        field_ids: FieldIds | None = None,
        base_url: str = "",
        strict: bool = False,
    ) -> None:
        self.path = Path(path)
        self.source = source
        self.field_ids = field_ids
        self.base_url = base_url
        self.strict = strict
        self.rejected: list[tuple[str, str]] = []

    def __iter__(self) -> Iterator[WorkItemRecord]:
        path, field_ids = self.path, self.field_ids
        for index, issue, names in _issues(path):
            if field_ids is None and names:
                field_ids = field_ids_from_names(names)
            if not isinstance(issue, Mapping):
                raise JiraExportError(
                    f"{path.name}: issue #{index} is {json_kind(issue)}, not a JSON object"
                )
            try:
                yield item_from_issue(
                    issue, source=self.source, field_ids=field_ids, base_url=self.base_url
                )
            except JiraImplausible as error:
                if self.strict:
                    raise JiraExportError(f"{path.name}: issue #{index} ({error})") from None
                self.rejected.append((f"{path.name}, issue #{index}", str(error)))
            except JiraMappingError as error:
                raise JiraExportError(f"{path.name}: issue #{index} ({error})") from None


def check_text(path: Path) -> None:
    """Raise JiraExportError when ``path`` is not UTF-8 text (what JSON exports must be)."""
    try:
        codec = textfile.codec_for(path)
    except textfile.EncodingProblem as error:
        raise JiraExportError(str(error)) from None
    if codec == "utf-16":
        raise JiraExportError(
            f"{path.name} is UTF-16 text; a Jira JSON export must be UTF-8: save it as UTF-8"
        )


def _issues(path: Path) -> Iterator[tuple[int, Any, dict[str, str] | None]]:
    check_text(path)
    try:
        with path.open(encoding="utf-8-sig") as handle:
            first = handle.readline()
            stripped = first.strip()
            lines = stripped.startswith("{") and _is_issue_line(stripped)
            if lines:
                yield from _json_lines(path, handle, first)
    except UnicodeDecodeError:
        raise JiraExportError(textfile.describe(path, "utf-8-sig")) from None
    if not lines:
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
    index, key = 0, ""
    try:
        with path.open("rb") as raw:
            for index, issue in enumerate(ijson.items(raw, prefix, use_float=True), start=1):
                key = str(issue.get("key", "")) if isinstance(issue, dict) else ""
                yield index, issue, names
    except (ijson.JSONError, RecursionError, UnicodeDecodeError) as error:
        raise JiraExportError(describe_json_error(path, index, error, key)) from None
    if index == 0 and prefix == "issues.item" and not _has_issues(path):
        raise JiraExportError(f"{path.name}: a JSON object export needs an 'issues' list")


def describe_json_error(path: Path, index: int, error: Exception, last_key: str = "") -> str:
    """Describe where a document stops being a readable export: line and column, and the issue.

    ``index`` is how many issues were read whole and ``last_key`` the last one's key.
    """
    if textfile.find_bad_byte(path, "utf-8-sig") is not None:
        return textfile.describe(path, "utf-8-sig")
    after = f"after issue #{index}" + (f" ({last_key})" if last_key else "")
    where = after if index else "before the first issue"
    if isinstance(error, RecursionError):
        return f"{path.name}: JSON nested too deeply {where}; this is not a Jira export"
    if _TRUNCATED.search(str(error)):
        lines = path.read_bytes().rstrip().split(b"\n")
        return (
            f"{path.name} line {len(lines)}, column {len(lines[-1]) + 1}: the file ends in the "
            f"middle of the JSON, in issue #{index + 1} ({where}); "
            "is it truncated (an interrupted download or copy)?"
        )
    try:  # only on the error path: the standard parser knows line and column
        text = path.read_text(encoding="utf-8-sig")
        json.loads(text)
    except json.JSONDecodeError as exact:
        return (
            f"{path.name} line {exact.lineno}, column {exact.colno} ({where}): "
            f"not valid JSON ({exact.msg})"
        )
    except RecursionError:
        return f"{path.name}: JSON nested too deeply {where}; this is not a Jira export"
    except (OSError, MemoryError):
        pass
    return f"{path.name}: not valid JSON {where}"


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
    except (json.JSONDecodeError, RecursionError):
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
            issue = json.loads(line)
        except json.JSONDecodeError as error:
            raise JiraExportError(
                f"{path.name} line {lineno}: not valid JSON ({error.msg}, column {error.colno})"
            ) from None
        except RecursionError:
            raise JiraExportError(
                f"{path.name} line {lineno}: JSON nested too deeply; not a Jira issue"
            ) from None
        yield index, issue, None


def _chain(*parts: Any) -> Iterator[str]:
    for part in parts:
        yield from part
