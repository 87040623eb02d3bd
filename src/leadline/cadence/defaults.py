"""The four tiers every new workspace (and the demo) starts with; all of them editable.

Connected to :data:`leadline.workspaces.signals.workspace_created` in ``CadenceConfig.ready``,
so the workspaces app never imports this one. A workspace made before the cadence existed gets
them from the data migration ``0002_standard_tiers_for_existing_workspaces``, and an owner can
ask for them on the Cadence page (:func:`leadline.cadence.services.set_up_standard_tiers`): all
three call :func:`ensure_default_tiers`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from leadline.workspaces.models import Workspace

from .models import CadenceTier

# The section keys of each tier's pack (leadline.cadence.sections); keys registered by apps
# that are not installed are skipped when a pack is built.
TEMPLATES: dict[str, list[str]] = {
    "team": [
        "flow", "blockers", "forecast", "raid_changes", "decisions_due", "open_actions", "radar",
    ],
    "stakeholder": [
        "milestones", "decisions_due", "risks", "alignment", "benefits", "escalations",
    ],
    "milestone": [
        "milestones", "benefits", "dora", "scorecards", "escalations", "right_track",
    ],
    "steering": ["portfolio", "escalations", "decisions_due"],
}  # fmt: skip

# kind, name, rule, weekday the first meeting falls on (0 Monday), local time, minutes, inputs
DEFAULT_TIERS: list[tuple[str, str, str, int, time, int, list[str]]] = [
    ("team", "Weekly team status", "FREQ=WEEKLY;BYDAY=MO", 0, time(9, 30), 30,
     ["Blockers the team cannot clear itself", "Actions from last week"]),
    ("stakeholder", "Biweekly stakeholder check-in", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", 3,
     time(14, 0), 45, ["Decisions that need the stakeholders"]),
    ("milestone", "Monthly milestone review", "FREQ=MONTHLY;BYDAY=1MO", 0, time(10, 0), 60,
     ["The milestone plan", "Is this still the right track?"]),
    ("steering", "Steering committee", "FREQ=MONTHLY;BYDAY=-1TH", 3, time(15, 0), 60,
     ["Escalations from the other tiers", "Decisions for the committee"]),
]  # fmt: skip

KINDS = [k for k, *_ in DEFAULT_TIERS]


def new_uid() -> str:
    return f"{uuid.uuid4()}@leadline"


def first_on(today: date, weekday: int) -> date:
    """The first day on or after ``today`` that is ``weekday``."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def workspace_tz(workspace: Any) -> str:
    """The workspace's time zone: its own, or the server's (``Workspace.tz``, spelt out so a
    data migration's historical model, which has no properties, gets the same answer)."""
    return str(getattr(workspace, "time_zone", "") or settings.TIME_ZONE)


def ensure_default_tiers(
    workspace: Any, today: date | None = None, *, tier_model: Any = None
) -> list[Any]:
    """Give ``workspace`` the four default tiers it has no tier of that kind for; return all.

    ``tier_model`` is the tier model to write with: the app's own by default, the historical
    one in the data migration ``0002_standard_tiers_for_existing_workspaces``. So this touches
    only fields the tier has had since ``0001_initial`` (and no audience: a many-to-many), and
    ``today`` defaults to the workspace's own date.
    """
    model = tier_model or CadenceTier
    tz = workspace_tz(workspace)
    today = today or datetime.now(ZoneInfo(tz)).date()
    have = set(model.objects.filter(workspace=workspace).values_list("kind", flat=True))
    for kind, name, rule, weekday, at, minutes, inputs in DEFAULT_TIERS:
        if kind in have:
            continue
        start = first_on(today.replace(day=1) if kind in {"milestone", "steering"} else today,
                         weekday)  # fmt: skip
        model.objects.create(
            workspace=workspace, kind=kind, name=name, rrule=rule, start_on=start,
            start_time=at, time_zone=tz, duration_minutes=minutes,
            template=list(TEMPLATES[kind]), required_inputs=list(inputs), uid=new_uid(),
        )  # fmt: skip
    return list(model.objects.filter(workspace=workspace).order_by("id"))


def on_workspace_created(sender: Any, workspace: Workspace, **kwargs: Any) -> None:
    """Receiver of ``workspace_created``: the new workspace starts with the four tiers."""
    ensure_default_tiers(workspace)
