"""A retrospective's actions: at most three, each owned by a person of the team with a due
date; open ones are carried into the team's next retros with their age until done or dropped.

The readers at the end (open, overdue, never-done actions, teams whose retros agree nothing)
are what the weekly status and the Radar's rules build on.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from leadline import bounds
from leadline.workspaces.models import Person, Team, Workspace
from leadline.workspaces.services import Access, audit

from .formats import ACTION_PHASES, MAX_ACTIONS
from .models import Action, Retro
from .results import ActionOut, QuietTeamOut

MAX_REASON = Action._meta.get_field("reason").max_length or 300
MAX_ACTION_TITLE = Action._meta.get_field("title").max_length or 200


def _later_retros(action: Action, retros_by_team: dict[int, list[Retro]]) -> int:
    """How many later retros of the team this action has been carried into."""
    return sum(
        1
        for r in retros_by_team.get(action.team_id, [])
        if (r.held_on, r.pk) > (action.retro.held_on, action.retro_id)
        and (action.closed_at is None or r.created_at <= action.closed_at)
    )


def action_out(a: Action, today: date, carried_into: int | None = None) -> ActionOut:
    end = timezone.localdate(a.closed_at) if a.closed_at else today
    return {
        "id": a.pk, "retro": a.retro_id, "retro_title": a.retro.title, "team": a.team.slug,
        "title": a.title, "owner": a.owner_id, "owner_name": a.owner.name, "due_on": a.due_on,
        "status": a.status,  # type: ignore[typeddict-item]
        "reason": a.reason, "created_at": a.created_at, "closed_at": a.closed_at,
        "age_days": max(0, (end - timezone.localdate(a.created_at)).days),
        "overdue": a.status == Action.Status.OPEN and a.due_on < today,
    }  # fmt: skip


@transaction.atomic
def add_action(
    access: Access, retro: Retro, user: Any, *, title: str, owner: Any, due_on: date,
    now: datetime | None = None,
) -> ActionOut:  # fmt: skip
    """Agree an action (runs the board; discuss or actions phase); at most three a retro."""
    from .services import require_run, team_person

    require_run(access, retro, user)
    if retro.phase not in ACTION_PHASES:
        raise ValidationError(
            {"phase": [f"Actions are agreed in the discuss or actions phase; this board is in "
                       f"the {retro.phase} phase."]}
        )  # fmt: skip
    now = now or timezone.now()
    # Lock the board so two facilitators cannot both add the third action.
    Retro.objects.select_for_update().filter(pk=retro.pk).first()
    if retro.actions.count() >= MAX_ACTIONS:
        raise ValidationError(
            {"actions": [f"A retrospective agrees at most {MAX_ACTIONS} actions and this one "
                         f"has {MAX_ACTIONS}: drop or merge one before adding another."]}
        )  # fmt: skip
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ["Say what the action is."]})
    if len(title) > MAX_ACTION_TITLE:
        raise ValidationError({"title": [f"At most {MAX_ACTION_TITLE} characters."]})
    person = team_person(access.workspace, retro.team, owner, "owner")
    if not isinstance(due_on, date):
        raise ValidationError({"due_on": ["Give a due date (YYYY-MM-DD)."]})
    problem = bounds.date_problem(due_on, timezone.localdate())
    if problem:
        raise ValidationError({"due_on": [problem]})
    if due_on < timezone.localdate(now):
        raise ValidationError({"due_on": ["The due date is in the past."]})
    action = Action.objects.create(
        workspace=retro.workspace, retro=retro, team=retro.team, title=title, owner=person,
        due_on=due_on, created_at=now,
    )  # fmt: skip
    Retro.objects.filter(pk=retro.pk).update(version=F("version") + 1)
    audit(access.workspace, user, "retro.action", action,
          f"Action {title} for {person.name}, due {due_on.isoformat()}")  # fmt: skip
    return action_out(action, timezone.localdate(now))


@transaction.atomic
def close_action(
    access: Access, pk: int, user: Any, status: str, reason: str = "",
    now: datetime | None = None,
) -> ActionOut:  # fmt: skip
    """Record an action done, or dropped with a reason (lead role, or the facilitator of the
    retro that agreed it or of the team's latest retro)."""
    from .services import can_run

    action = (
        Action.objects.filter(workspace=access.workspace, pk=pk)
        .select_related("retro", "team", "owner", "retro__facilitator")
        .first()
    )
    if action is None:
        raise Http404("No such action")
    latest = Retro.objects.filter(team=action.team).select_related("facilitator").first()
    if not can_run(access, action.retro, user) and not (latest and can_run(access, latest, user)):
        raise PermissionDenied("Closing an action needs the lead role, or facilitating the retro.")
    if status not in (Action.Status.DONE, Action.Status.DROPPED):
        raise ValidationError({"status": ["Say done or dropped."]})
    reason = (reason or "").strip()
    if status == Action.Status.DROPPED and not reason:
        raise ValidationError({"reason": ["Say why the action is dropped."]})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": [f"At most {MAX_REASON} characters."]})
    if action.status != Action.Status.OPEN:
        raise ValidationError({"status": [f"The action is already {action.status}."]})
    now = now or timezone.now()
    action.status, action.reason, action.closed_at = status, reason, now
    action.save(update_fields=["status", "reason", "closed_at"])
    Retro.objects.filter(team=action.team).update(version=F("version") + 1)
    audit(access.workspace, user, f"retro.action.{status}", action,
          f"Action {action.title} {status}" + (f": {reason}" if reason else ""))  # fmt: skip
    return action_out(action, timezone.localdate(now))


def _open(workspace: Workspace, team: Team | None = None) -> Any:
    qs = Action.objects.filter(workspace=workspace, status=Action.Status.OPEN).select_related(
        "retro", "team", "owner"
    )
    return qs.filter(team=team) if team is not None else qs


def carried_actions(retro: Retro, today: date) -> list[ActionOut]:
    """The team's open actions from its earlier retros, oldest first, with their age."""
    earlier = Q(retro__held_on__lt=retro.held_on) | Q(
        retro__held_on=retro.held_on, retro_id__lt=retro.pk
    )
    return [action_out(a, today) for a in _open(retro.workspace, retro.team).filter(earlier)]


def open_actions(
    workspace: Workspace, team: Team | None = None, today: date | None = None
) -> list[ActionOut]:
    """A team's (or the workspace's) open retrospective actions with their age, oldest first."""
    today = today or timezone.localdate()
    return [action_out(a, today) for a in _open(workspace, team)]


def overdue_actions(workspace: Workspace, today: date | None = None) -> list[ActionOut]:
    """Open actions past their due date, oldest first (a Radar rule's subject)."""
    today = today or timezone.localdate()
    return [action_out(a, today) for a in _open(workspace).filter(due_on__lt=today)]


def never_done_actions(
    workspace: Workspace, rounds: int = 2, today: date | None = None
) -> list[tuple[ActionOut, int]]:
    """Open actions carried through ``rounds`` or more later retros of their team without being
    done: (the action, how many retros it was carried into)."""
    today = today or timezone.localdate()
    by_team: dict[int, list[Retro]] = defaultdict(list)
    for r in Retro.objects.filter(workspace=workspace).order_by("held_on", "id"):
        by_team[r.team_id].append(r)
    out = []
    for a in _open(workspace):
        n = _later_retros(a, by_team)
        if n >= rounds:
            out.append((action_out(a, today), n))
    return out


def retros_without_actions(workspace: Workspace, rounds: int = 3) -> list[QuietTeamOut]:
    """Teams whose latest ``rounds`` or more closed retros in a row agreed no action."""
    out: list[QuietTeamOut] = []
    closed = Retro.objects.filter(workspace=workspace, phase="closed").select_related("team")
    by_team: dict[int, list[Retro]] = defaultdict(list)
    with_actions = set(
        Action.objects.filter(workspace=workspace).values_list("retro_id", flat=True)
    )
    for r in closed.order_by("-held_on", "-id"):
        by_team[r.team_id].append(r)
    for boards in by_team.values():
        quiet = 0
        for r in boards:
            if r.pk in with_actions:
                break
            quiet += 1
        if quiet >= rounds:
            team = boards[0].team
            out.append({"team": team.slug, "team_name": team.name,
                        "retros_without_actions": quiet, "last_retro": boards[0].pk})  # fmt: skip
    return out


def owners_for(team: Team) -> list[Person]:
    return list(team.people.filter(active=True).order_by("name"))
