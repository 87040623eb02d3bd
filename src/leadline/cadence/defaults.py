"""The four tiers every new workspace (and the demo) starts with; all of them editable.

Connected to :data:`leadline.workspaces.signals.workspace_created` in ``CadenceConfig.ready``,
so the workspaces app never imports this one.
"""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

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


def ensure_default_tiers(workspace: Workspace, today: date | None = None) -> list[CadenceTier]:
    """Give ``workspace`` the four default tiers it has no tier of that kind for; return all."""
    today = today or timezone.localdate()
    have = set(CadenceTier.objects.filter(workspace=workspace).values_list("kind", flat=True))
    for kind, name, rule, weekday, at, minutes, inputs in DEFAULT_TIERS:
        if kind in have:
            continue
        start = first_on(today.replace(day=1) if kind in {"milestone", "steering"} else today,
                         weekday)  # fmt: skip
        CadenceTier.objects.create(
            workspace=workspace, kind=kind, name=name, rrule=rule, start_on=start,
            start_time=at, time_zone=workspace.tz, duration_minutes=minutes,
            template=list(TEMPLATES[kind]), required_inputs=inputs, uid=new_uid(),
        )  # fmt: skip
    return list(CadenceTier.objects.filter(workspace=workspace))


def on_workspace_created(sender: Any, workspace: Workspace, **kwargs: Any) -> None:
    """Receiver of ``workspace_created``: the new workspace starts with the four tiers."""
    ensure_default_tiers(workspace)
