"""Status-category sniffing: the category Jira gives each status an export's issues are in.

An import learns the statuses of a Jira file before reading its issues, so that statuses not yet
mapped to a stage are proposed with Jira's own category (to do, in progress, done).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from leadline.connectors.jira.export import JiraExportError, check_text, describe_json_error
from leadline.connectors.jira.mapping import category_from_status
from leadline.records import StatusRecord


class _Status(msgspec.Struct):
    name: str = ""
    statusCategory: dict[str, Any] | None = None  # noqa: N815 - Jira's field name


class _Fields(msgspec.Struct):
    status: _Status | None = None


class _Issue(msgspec.Struct):
    fields: _Fields | None = None


def jira_status_categories(path: Path, source: str = "jira") -> tuple[list[StatusRecord], int]:
    """Read the categories Jira gives each status seen as a current status in an export.

    Returns the statuses and the number of issues (used as the import's progress total).
    """
    # Only the statuses are read, streaming: an export can be larger than memory.
    import ijson

    check_text(path)
    statuses: list[Any] = []
    try:
        with path.open("rb") as raw:
            head = raw.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
            raw.seek(0)
            first_line = raw.readline(20_000_000).strip().removeprefix(b"\xef\xbb\xbf")
            raw.seek(0)
            if (
                head.startswith(b"{")
                and first_line.endswith(b"}")
                and b'"issues"' not in first_line[:4096]
            ):
                decoder = msgspec.json.Decoder(_Issue)  # JSON lines: one issue per line
                for number, line in enumerate(raw, start=1):
                    if not line.strip():
                        continue
                    try:
                        issue = decoder.decode(line)
                    except (msgspec.DecodeError, msgspec.ValidationError) as error:
                        raise JiraExportError(
                            f"{path.name} line {number}: not a readable Jira issue ({error})"
                        ) from None
                    statuses.append(issue.fields.status if issue.fields else None)
            else:
                prefix = (
                    "item.fields.status" if head.startswith(b"[") else "issues.item.fields.status"
                )
                for s in ijson.items(raw, prefix, use_float=True):
                    if isinstance(s, dict):
                        statuses.append(
                            _Status(
                                name=s.get("name") or "", statusCategory=s.get("statusCategory")
                            )
                        )
    except (ijson.JSONError, RecursionError, UnicodeDecodeError) as error:
        raise JiraExportError(describe_json_error(path, len(statuses), error)) from None
    except OSError as error:
        raise JiraExportError(f"{path.name}: not readable ({error.strerror})") from None
    seen: dict[str, StatusRecord] = {}
    for status in statuses:
        if status and status.name and status.name not in seen:
            category = category_from_status({"statusCategory": status.statusCategory})
            seen[status.name] = StatusRecord(source, "", status.name, category)
    return list(seen.values()), len(statuses)
