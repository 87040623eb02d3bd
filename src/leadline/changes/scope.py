"""The scope a change request adds to: read from the data (the team's current sprint, epics, a
list of work items) or entered by hand, and always said where it came from.

Nothing here assumes a number: when the chosen source has nothing to read (no current sprint, an
unknown epic or item key, nothing chosen) the result says what to choose instead of counting 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q

from leadline.changes.models import ChangeRequest
from leadline.delivery.models import Sprint, StatusMapping, WorkItem
from leadline.flow.frames import end_of_day

Source = ChangeRequest.ScopeSource
MAX_KEYS = 1_000  # keys listed on one request (epics or items)
FINISHED = ("done", "removed")


@dataclass(frozen=True)
class RemainingScope:
    """What is left to do without the change: ``items`` (None when there is nothing to read,
    then ``problem`` says what to choose), where it came from (``source`` and, in words,
    ``label``) and the keys of the remaining items when the data names them."""

    source: str
    label: str
    items: int | None
    problem: str = ""
    keys: tuple[str, ...] = field(default=())


def split_keys(text: str) -> list[str]:
    """Return the keys in ``text`` (separated by commas, semicolons, spaces or lines), each once,
    in the order given."""
    return list(dict.fromkeys(k for k in re.split(r"[\s,;]+", text or "") if k))


def check_scope(cr: ChangeRequest) -> None:
    """Raise ValidationError (naming the field) when the chosen source lacks what it needs.

    A request without a source but with a hand-entered number is read as "entered by hand".
    """
    if not cr.scope_source and cr.remaining_items is not None:
        cr.scope_source = Source.MANUAL
    errors: dict[str, str] = {}
    if cr.scope_source and cr.scope_source not in Source.values:
        errors["scope_source"] = f"Use one of {', '.join(Source.values)}."
    elif cr.scope_source == Source.EPICS and not split_keys(cr.scope_epics):
        errors["scope_epics"] = "Name at least one epic key (for example CHK-12)."
    elif cr.scope_source == Source.ITEMS and not split_keys(cr.scope_items):
        errors["scope_items"] = "List at least one work item key (for example CHK-101)."
    elif cr.scope_source == Source.MANUAL and cr.remaining_items is None:
        errors["remaining_items"] = "Enter how many items remain, or choose where to read them."
    for name in ("scope_epics", "scope_items"):
        if len(split_keys(getattr(cr, name))) > MAX_KEYS:
            errors[name] = f"At most {MAX_KEYS:,} keys."
    if errors:
        raise ValidationError(errors)


def remaining_scope(cr: ChangeRequest, as_of: date) -> RemainingScope:
    """Return the scope left without the change, as it stands at the end of ``as_of``."""
    source = cr.scope_source or (Source.MANUAL if cr.remaining_items is not None else "")
    if source == Source.SPRINT:
        return _sprint_scope(cr, as_of)
    if source == Source.EPICS:
        return _epic_scope(cr, as_of)
    if source == Source.ITEMS:
        return _item_scope(cr)
    if source == Source.MANUAL and cr.remaining_items is not None:
        n = cr.remaining_items
        return RemainingScope(source, f"{n} item{'s' if n != 1 else ''}, entered by hand", n)
    return RemainingScope(
        source or "",
        "not chosen",
        None,
        "Choose where the remaining scope comes from: the team's current sprint, epics, a list "
        "of work items, or a number entered by hand. Without it there is nothing to compare "
        "the change with.",
    )


def _finished_statuses(workspace_id: int) -> set[str]:
    return set(
        StatusMapping.objects.filter(workspace_id=workspace_id, category__in=FINISHED).values_list(
            "status", flat=True
        )
    )


def current_sprint(cr: ChangeRequest, as_of: date) -> tuple[Sprint | None, list[tuple[str, str]]]:
    """Return the team's sprint running on ``as_of`` (None if there is none) and the team's
    items in it as (key, status).

    Running = started by the end of the day, not completed before the day began, and either
    marked active by the tracker or not ended before the day began. The team's sprints are
    those imported for the team, or named by its items; the latest started wins.
    """
    cut = end_of_day(as_of, settings.TIME_ZONE)
    day_start = end_of_day(as_of - timedelta(days=1), settings.TIME_ZONE)
    items = list(
        WorkItem.objects.filter(workspace_id=cr.workspace_id, team_id=cr.team_id).values_list(
            "key", "status", "sprints"
        )
    )
    named = {name for _, _, sprints in items for name in (sprints or [])}
    candidates = (
        Sprint.objects.filter(workspace_id=cr.workspace_id, start__lt=cut)
        .filter(Q(team_id=cr.team_id) | Q(name__in=named))
        .exclude(completed__lt=day_start)
        .exclude(state__iexact="future")
        .order_by("-start", "-id")
    )
    for sprint in candidates:
        running = sprint.state.lower() == "active" or (
            sprint.end is None or sprint.end >= day_start
        )
        if running:
            members = [(k, s) for k, s, sprints in items if sprint.name in (sprints or [])]
            return sprint, members
    return None, []


def _day(value: datetime | None) -> str:
    """Return the calendar day of ``value`` where days are counted (LEADLINE_TIME_ZONE)."""
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).date().isoformat() if value else "open"


def _sprint_scope(cr: ChangeRequest, as_of: date) -> RemainingScope:
    sprint, members = current_sprint(cr, as_of)
    if sprint is None:
        return RemainingScope(
            Source.SPRINT,
            f"{cr.team.name}'s current sprint",
            None,
            f"{cr.team.name} has no sprint running on {as_of:%Y-%m-%d}: import its sprints "
            "(a Jira board), or read the scope from epics or a list of work items instead.",
        )
    finished = _finished_statuses(cr.workspace_id)
    left = tuple(k for k, status in members if status not in finished)
    label = (
        f"sprint “{sprint.name}” of {cr.team.name} ({_day(sprint.start)} → "
        f"{_day(sprint.end)}): {len(left)} of {len(members)} items not done"
    )
    return RemainingScope(Source.SPRINT, label, len(left), keys=left)


def _epic_scope(cr: ChangeRequest, as_of: date) -> RemainingScope:
    from leadline.dashboards.forecasts import epic_remaining
    from leadline.dashboards.scope import Scope

    keys = split_keys(cr.scope_epics)
    scope = Scope(cr.workspace, None, as_of, as_of)
    try:
        rows = epic_remaining(scope, keys)
    except ValidationError as exc:
        problem = "; ".join(exc.messages)
        return RemainingScope(
            Source.EPICS,
            f"epics {', '.join(keys)}",
            None,
            f"{problem[:1].upper()}{problem[1:]}. Check the keys, or read the scope from the "
            "current sprint or a list of work items.",
        )
    total = sum(r["remaining"] for r in rows)
    parts = ", ".join(f"{r['key']} {r['remaining']}" for r in rows)
    return RemainingScope(Source.EPICS, f"epics {parts} (items not done)", total)


def _item_scope(cr: ChangeRequest) -> RemainingScope:
    keys = split_keys(cr.scope_items)
    status = dict(
        WorkItem.objects.filter(workspace_id=cr.workspace_id, key__in=keys).values_list(
            "key", "status"
        )
    )
    unknown = [k for k in keys if k not in status]
    if unknown:
        listed = ", ".join(unknown[:10]) + (
            f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        )
        return RemainingScope(
            Source.ITEMS,
            f"{len(keys)} listed work items",
            None,
            f"No work item {listed} in this workspace: check the keys, or import the items.",
        )
    finished = _finished_statuses(cr.workspace_id)
    left = tuple(k for k in keys if status[k] not in finished)
    return RemainingScope(
        Source.ITEMS, f"{len(left)} of {len(keys)} listed work items not done", len(left), keys=left
    )
