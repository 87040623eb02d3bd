"""Turn Jira REST JSON (issues with ``expand=changelog``, statuses, sprints) into records.

Pure functions over parsed JSON: the client and the export reader both feed them. Status
categories come from Jira's own ``statusCategory`` (new → backlog, indeterminate → active,
done → done), never from a status name, so localised workflows (已完成 = Done) map correctly.
Jira never says "removed": a "Won't Do" resolution is reported on the item, and only a workflow
override can turn a status into the removed category.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadline.bounds import OutOfRange, to_utc
from leadline.records import (
    FlagPeriod,
    RankChange,
    SprintChange,
    SprintRecord,
    StageCategory,
    StatusRecord,
    TransitionRecord,
    WorkItemRecord,
)

CATEGORY_BY_KEY = {
    "new": StageCategory.BACKLOG,
    "indeterminate": StageCategory.ACTIVE,
    "done": StageCategory.DONE,
}

# Jira Cloud's usual ids for the agile custom fields, used only when no field metadata is given.
_CLOUD_DEFAULTS = {
    "sprint": ("customfield_10020",),
    "epic_link": ("customfield_10014",),
    "rank": ("customfield_10019",),
    "flagged": ("customfield_10021",),
    "story_points": (),
}
_NAMES = {
    "sprint": ("sprint",),
    "epic_link": ("epic link",),
    "rank": ("rank",),
    "flagged": ("flagged", "impediment"),
    "story_points": ("story points", "story point estimate"),
}
_OLD_SPRINT = re.compile(r"\[(.*)\]$")


class JiraMappingError(ValueError):
    """A Jira issue has a field this connector cannot read; the message names key and field."""

    def __init__(self, key: str, field: str, problem: str) -> None:
        super().__init__(f"issue {key or '(no key)'}, field {field!r}: {problem}")
        self.key = key
        self.field = field


class JiraImplausible(JiraMappingError):
    """An issue with a date outside ``leadline.bounds``: it is rejected, the others import."""


@dataclass(frozen=True, slots=True)
class FieldIds:
    """Which Jira field ids hold the agile fields (they are custom fields, named per site)."""

    sprint: tuple[str, ...] = _CLOUD_DEFAULTS["sprint"]
    epic_link: tuple[str, ...] = _CLOUD_DEFAULTS["epic_link"]
    rank: tuple[str, ...] = _CLOUD_DEFAULTS["rank"]
    flagged: tuple[str, ...] = _CLOUD_DEFAULTS["flagged"]
    story_points: tuple[str, ...] = _CLOUD_DEFAULTS["story_points"]


def field_ids_from_names(names: Mapping[str, str]) -> FieldIds:
    """Find the agile fields in an id → name map (search ``expand=names``); defaults otherwise."""
    found: dict[str, tuple[str, ...]] = {}
    for role, wanted in _NAMES.items():
        ids = tuple(fid for fid, name in names.items() if str(name).strip().lower() in wanted)
        found[role] = ids or _CLOUD_DEFAULTS[role]
    return FieldIds(**found)


def field_ids_from_fields(fields: Iterable[Mapping[str, Any]]) -> FieldIds:
    """Find the agile fields in a ``/rest/api/2/field`` answer (a list of {id, name})."""
    return field_ids_from_names({str(f.get("id")): str(f.get("name", "")) for f in fields})


def parse_jira_datetime(value: str, *, key: str = "", field: str = "") -> datetime:
    """Parse a Jira timestamp (``2020-06-09T14:54:45.123+0800``, ``...Z``) to aware UTC."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise JiraMappingError(key, field, f"{value!r} is not a Jira timestamp") from None
    if parsed.tzinfo is None:
        raise JiraMappingError(key, field, f"{value!r} has no time zone")
    try:
        return to_utc(parsed)
    except OutOfRange as error:  # year 0001 with an offset would overflow, not just be odd
        raise JiraImplausible(key, field, f"{error}; not imported") from None


def category_from_status(status: Mapping[str, Any] | None) -> StageCategory | None:
    """Return the stage category Jira gives a status object (None when it gives none)."""
    if not status:
        return None
    category = status.get("statusCategory") or {}
    return CATEGORY_BY_KEY.get(str(category.get("key", "")))


def statuses_from_response(
    data: Iterable[Mapping[str, Any]], *, source: str = "jira", project: str = ""
) -> list[StatusRecord]:
    """Map a ``/rest/api/2/status`` answer; project-scoped statuses keep their project id."""
    records = []
    for status in data:
        scope = status.get("scope") or {}
        scoped = str((scope.get("project") or {}).get("id", "")) if scope else ""
        records.append(
            StatusRecord(
                source=source,
                project=project or scoped,
                name=str(status.get("name", "")),
                category=category_from_status(status),
                external_id=str(status.get("id", "")),
            )
        )
    return records


def sprints_from_response(data: Mapping[str, Any], *, source: str = "jira") -> list[SprintRecord]:
    """Map an agile ``/board/{id}/sprint`` page (``values``) to sprint records."""
    return [_sprint_record(s, source) for s in data.get("values", [])]


def _sprint_record(sprint: Mapping[str, Any], source: str) -> SprintRecord:
    sid = str(sprint.get("id", ""))

    def when(name: str) -> datetime | None:
        value = sprint.get(name)
        return parse_jira_datetime(value, key=f"sprint {sid}", field=name) if value else None

    return SprintRecord(
        source=source,
        external_id=sid,
        name=str(sprint.get("name", "")),
        state=str(sprint.get("state", "")),
        start=when("startDate"),
        end=when("endDate"),
        completed=when("completeDate"),
    )


def items_from_search_response(
    data: Mapping[str, Any],
    *,
    source: str = "jira",
    field_ids: FieldIds | None = None,
    base_url: str = "",
) -> Iterator[WorkItemRecord]:
    """Yield one record per issue of a search page (``{"issues": [...]}``, changelog expanded)."""
    if field_ids is None and isinstance(data.get("names"), dict):
        field_ids = field_ids_from_names(data["names"])
    for issue in data.get("issues", []):
        yield item_from_issue(issue, source=source, field_ids=field_ids, base_url=base_url)


def item_from_issue(
    issue: Mapping[str, Any],
    *,
    source: str = "jira",
    field_ids: FieldIds | None = None,
    base_url: str = "",
    histories: Iterable[Mapping[str, Any]] | None = None,
) -> WorkItemRecord:
    """Map one issue; ``histories`` replaces the embedded changelog when it was paged in full."""
    ids = field_ids or FieldIds()
    key = str(issue.get("key") or "")
    if not key:
        raise JiraMappingError("", "key", "the issue has no key")
    fields = issue.get("fields")
    if not isinstance(fields, Mapping):
        raise JiraMappingError(key, "fields", "missing or not an object")
    if "created" not in fields or not fields["created"]:
        raise JiraMappingError(key, "created", "missing")
    created = parse_jira_datetime(fields["created"], key=key, field="created")
    status = fields.get("status") or {}
    status_name = _name(status)
    if not status_name:
        raise JiraMappingError(key, "status", "missing")
    if histories is None:
        histories = (issue.get("changelog") or {}).get("histories") or []
    ordered = _ordered_histories(key, histories)
    resolved_raw = fields.get("resolutiondate")
    updated_raw = fields.get("updated")
    sprints_now = _current_sprints(fields, ids)
    sprint_details = _sprint_details(fields, ids, source)
    return WorkItemRecord(
        source=source,
        key=key,
        title=str(fields.get("summary") or ""),
        created=created,
        status=status_name,
        project=str((fields.get("project") or {}).get("key", "")),
        url=_browse_url(issue, key, base_url),
        type=_name(fields.get("issuetype")),
        parent_key=str((fields.get("parent") or {}).get("key", "")),
        epic_key=_epic_key(fields, ids),
        labels=[str(label) for label in fields.get("labels") or []],
        components=[_name(c) for c in fields.get("components") or []],
        assignees=[_person(fields["assignee"])] if fields.get("assignee") else [],
        priority=_name(fields.get("priority")),
        rank=_first_text(fields, ids.rank),
        story_points=_story_points(key, fields, ids),
        resolution=_name(fields.get("resolution")),
        resolved=parse_jira_datetime(resolved_raw, key=key, field="resolutiondate")
        if resolved_raw
        else None,
        updated=parse_jira_datetime(updated_raw, key=key, field="updated") if updated_raw else None,
        transitions=transitions_from_histories(key, ordered, created=created, current=status_name),
        flags=flags_from_histories(key, ordered),
        sprint_changes=sprint_changes_from_histories(key, ordered),
        rank_changes=rank_changes_from_histories(key, ordered),
        sprints=sprints_now,
        sprint_details=sprint_details,
    )


def _ordered_histories(
    key: str, histories: Iterable[Mapping[str, Any]]
) -> list[tuple[datetime, Mapping[str, Any]]]:
    """Sort histories oldest first (embedded ones come newest first), ties by history id."""
    result = [
        (parse_jira_datetime(h.get("created", ""), key=key, field="changelog.created"), h)
        for h in histories
    ]
    result.sort(key=lambda pair: (pair[0], _numeric(pair[1].get("id"))))
    return result


def _items(history: Mapping[str, Any], *names: str) -> Iterator[Mapping[str, Any]]:
    for item in history.get("items") or []:
        field = str(item.get("field", "")).lower()
        if field in names or str(item.get("fieldId", "")).lower() in names:
            yield item


def transitions_from_histories(
    key: str,
    ordered: list[tuple[datetime, Mapping[str, Any]]],
    *,
    created: datetime,
    current: str,
) -> list[TransitionRecord]:
    """Return the status changes in time order, led by a creation entry (from_status None).

    Every change is kept as it happened: reopen loops (Resolved → To Do) and workflow-migration
    moves (Closed → 已完成) are transitions like any other; the engine decides what they mean.
    """
    changes: list[TransitionRecord] = []
    for at, history in ordered:
        for n, item in enumerate(_items(history, "status")):
            hid = str(history.get("id", ""))
            changes.append(
                TransitionRecord(
                    item_key=key,
                    at=at,
                    from_status=item.get("fromString") or None,
                    to_status=str(item.get("toString") or ""),
                    by=_person(history.get("author")),
                    external_id=f"{hid}:{n}" if n else hid,
                )
            )
    first = changes[0].from_status if changes and changes[0].from_status else current
    start = min(created, changes[0].at) if changes else created
    opening = TransitionRecord(key, start, None, first, external_id="created")
    return [opening, *changes]


def flags_from_histories(
    key: str, ordered: list[tuple[datetime, Mapping[str, Any]]]
) -> list[FlagPeriod]:
    """Return flagged periods from the Flagged field's history; one never unflagged stays open."""
    periods: list[FlagPeriod] = []
    start: datetime | None = None
    reason = ""
    for at, history in ordered:
        for item in _items(history, "flagged"):
            on = bool(item.get("toString"))
            if on and start is None:
                start, reason = at, str(item.get("toString"))
            elif not on and start is not None:
                periods.append(FlagPeriod(key, start, at, reason))
                start = None
    if start is not None:
        periods.append(FlagPeriod(key, start, None, reason))
    return periods


def rank_changes_from_histories(
    key: str, ordered: list[tuple[datetime, Mapping[str, Any]]]
) -> list[RankChange]:
    """Return the item's re-rankings (the Rank field) and priority changes, oldest first."""
    changes: list[RankChange] = []
    for at, history in ordered:
        for item in _items(history, "rank", "priority"):
            field = str(item.get("field", "")).lower()
            changes.append(
                RankChange(
                    key,
                    at,
                    "rank" if field == "rank" else "priority",
                    str(item.get("fromString") or "")[:200],
                    str(item.get("toString") or "")[:200],
                )
            )
    return changes


def sprint_changes_from_histories(
    key: str, ordered: list[tuple[datetime, Mapping[str, Any]]]
) -> list[SprintChange]:
    """Return sprint entries and exits from the Sprint field's history, by sprint id."""
    changes: list[SprintChange] = []
    for at, history in ordered:
        for item in _items(history, "sprint"):
            before = _sprint_ids(item.get("from"), item.get("fromString"))
            after = _sprint_ids(item.get("to"), item.get("toString"))
            for sid, name in after.items():
                if sid not in before:
                    changes.append(SprintChange(key, name, at, True))
            for sid, name in before.items():
                if sid not in after:
                    changes.append(SprintChange(key, name, at, False))
    return changes


def _sprint_ids(ids: Any, names: Any) -> dict[str, str]:
    id_list = [s.strip() for s in str(ids or "").split(",") if s.strip()]
    name_list = [s.strip() for s in str(names or "").split(",") if s.strip()]
    if id_list and len(id_list) == len(name_list):
        return dict(zip(id_list, name_list, strict=True))
    if id_list and len(id_list) > 1:
        # A sprint name with a comma in it: names cannot be split reliably, ids can.
        return {sid: sid for sid in id_list}
    if id_list:
        return {id_list[0]: str(names or id_list[0]).strip()}
    return {name: name for name in name_list}


def _sprint_values(fields: Mapping[str, Any], ids: FieldIds) -> list[Mapping[str, Any]]:
    """Return the item's Sprint field values as attribute mappings (Cloud objects, or Data
    Center's "com.atlassian.greenhopper...Sprint@1a[id=1,...,name=S 1,...]" strings)."""
    values: list[Any] = []
    for fid in ids.sprint:
        values.extend(fields.get(fid) or [])
    if not values:  # the agile API's own shape
        values.extend(fields.get("closedSprints") or [])
        if fields.get("sprint"):
            values.append(fields["sprint"])
    out: list[Mapping[str, Any]] = []
    for value in values:
        if isinstance(value, Mapping):
            out.append(value)
            continue
        match = _OLD_SPRINT.search(str(value))
        attrs = (
            dict(p.split("=", 1) for p in match.group(1).split(",") if "=" in p) if match else {}
        )
        out.append({k: v for k, v in attrs.items() if v != "<null>"} or {"name": str(value)})
    return out


def _current_sprints(fields: Mapping[str, Any], ids: FieldIds) -> list[str]:
    names: list[str] = []
    for value in _sprint_values(fields, ids):
        name = str(value.get("name", ""))
        if name and name not in names:
            names.append(name)
    return names


def _sprint_details(fields: Mapping[str, Any], ids: FieldIds, source: str) -> list[SprintRecord]:
    """Return the sprints the item's Sprint field describes with an id and a start date."""
    return [
        _sprint_record(value, source)
        for value in _sprint_values(fields, ids)
        if value.get("id") not in (None, "") and value.get("startDate")
    ]


def _epic_key(fields: Mapping[str, Any], ids: FieldIds) -> str:
    parent = fields.get("parent") or {}
    parent_type = (parent.get("fields") or {}).get("issuetype") or {}
    if parent and (parent_type.get("hierarchyLevel") == 1 or _name(parent_type) == "Epic"):
        return str(parent.get("key", ""))
    epic = fields.get("epic")
    if isinstance(epic, Mapping) and epic.get("key"):
        return str(epic["key"])
    return _first_text(fields, ids.epic_link)


def _story_points(key: str, fields: Mapping[str, Any], ids: FieldIds) -> float | None:
    for fid in ids.story_points:
        value = fields.get(fid)
        if value is None or value == "":
            continue
        try:
            return float(value)
        except (TypeError, ValueError):
            raise JiraMappingError(key, fid, f"{value!r} is not a number of story points") from None
    return None


def _first_text(fields: Mapping[str, Any], field_ids: Iterable[str]) -> str:
    for fid in field_ids:
        value = fields.get(fid)
        if isinstance(value, str) and value:
            return value
    return ""


def _browse_url(issue: Mapping[str, Any], key: str, base_url: str) -> str:
    if not base_url:
        self_url = str(issue.get("self") or "")
        base_url = self_url.split("/rest/", 1)[0] if "/rest/" in self_url else ""
    return f"{base_url.rstrip('/')}/browse/{key}" if base_url else ""


def _name(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("value") or "")
    return str(value or "")


def _person(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("displayName") or value.get("name") or value.get("emailAddress") or "")
    return str(value or "")


def _numeric(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
