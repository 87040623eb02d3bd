"""Cadence services: tiers, their meetings (attendees, notes, decisions, actions carried and
escalated) and the monthly "is this still the right track?" vote. Pages, the API and the CLI
call these; packs are in :mod:`.packs`, the calendar in :mod:`.calendar`.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from leadline import bounds
from leadline.decisions import services as decision_services
from leadline.decisions.models import Decision
from leadline.workspaces.models import Person, Role, Team, Workspace
from leadline.workspaces.services import Access, audit

from . import recurrence
from .defaults import KINDS, TEMPLATES, ensure_default_tiers, new_uid
from .models import (
    CadenceTier,
    Occurrence,
    OccurrenceAction,
    OccurrenceDecision,
)
from .results import CadenceActionOut, CadenceOccurrenceOut, CadenceTierOut

MAX_NAME = CadenceTier._meta.get_field("name").max_length or 120
MAX_TITLE = OccurrenceAction._meta.get_field("title").max_length or 200
MAX_NOTES = 20_000
DURATION = bounds.Bound(5, 8 * 60, "minutes")
ESCALATE_AFTER = bounds.Bound(1, 52, "meetings")


# --- Tiers -----------------------------------------------------------------------------------
def tiers(workspace: Workspace) -> list[CadenceTier]:
    return list(
        CadenceTier.objects.filter(workspace=workspace)
        .select_related("team")
        .prefetch_related("audience_people", "audience_teams")
    )


def tier_in(workspace: Workspace, pk: Any) -> CadenceTier:
    """Return the workspace's tier ``pk``; another workspace's is a 404, like none."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such cadence") from None
    tier = CadenceTier.objects.filter(workspace=workspace, pk=key).select_related("team").first()
    if tier is None:
        raise Http404("No such cadence")
    return tier


def tier_by_kind(workspace: Workspace, kind: str) -> CadenceTier:
    """Return the workspace's first tier of ``kind`` (or the tier with that id)."""
    tier = CadenceTier.objects.filter(workspace=workspace, kind=kind).first()
    if tier is None and kind.isdigit():
        tier = CadenceTier.objects.filter(workspace=workspace, pk=int(kind)).first()
    if tier is None:
        raise ValidationError(
            {"tier": [f"No {kind!r} tier in this workspace ({', '.join(KINDS)})."]}
        )
    return tier


def next_tier(tier: CadenceTier) -> CadenceTier | None:
    """The tier an item escalates to: the workspace's first tier of the next kind up."""
    at = KINDS.index(tier.kind)
    for kind in KINDS[at + 1 :]:
        found = CadenceTier.objects.filter(workspace=tier.workspace_id, kind=kind).first()
        if found is not None:
            return found
    return None


def tier_out(tier: CadenceTier, now: datetime) -> CadenceTierOut:
    return {
        "id": tier.pk, "name": tier.name, "tier": tier.kind,
        "team": tier.team.slug if tier.team else None, "rrule": tier.rrule,
        "dtstart": datetime.combine(tier.start_on, tier.start_time),
        "timezone": tier.time_zone, "duration_minutes": tier.duration_minutes,
        "next_occurrences": recurrence.next_starts(tier, now),
        "audience": {
            "people": sorted(p.pk for p in tier.audience_people.all()),
            "teams": sorted(t.slug for t in tier.audience_teams.all()),
        },
        "template": list(tier.template), "required_inputs": list(tier.required_inputs),
        "escalate_after": tier.escalate_after, "uid": tier.uid, "sequence": tier.sequence,
    }  # fmt: skip


def _audience(
    workspace: Workspace, audience: dict[str, Any] | None
) -> tuple[list[Person], list[Team]]:
    audience = audience or {}
    people_ids = [int(x) for x in audience.get("people") or []]
    team_slugs = [str(x) for x in audience.get("teams") or []]
    people = list(Person.objects.filter(workspace=workspace, pk__in=people_ids))
    if len(people) != len(set(people_ids)):
        missing = sorted(set(people_ids) - {p.pk for p in people})
        raise ValidationError({"audience": [f"No person {missing} in this workspace."]})
    teams = list(Team.objects.filter(workspace=workspace, slug__in=team_slugs))
    if len(teams) != len(set(team_slugs)):
        missing_t = sorted(set(team_slugs) - {t.slug for t in teams})
        raise ValidationError({"audience": [f"No team {missing_t} in this workspace."]})
    return people, teams


def _clean_tier_fields(
    *, name: str, kind: str, rrule: str, dtstart: datetime, tz: str, duration_minutes: int,
    escalate_after: int,
) -> tuple[str, str]:  # fmt: skip
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Give the cadence a name."]})
    if len(name) > MAX_NAME:
        raise ValidationError({"name": [f"At most {MAX_NAME} characters."]})
    if kind not in KINDS:
        raise ValidationError({"tier": [f"{kind!r} is not one of {', '.join(KINDS)}."]})
    rule = recurrence.clean_rule(rrule)
    recurrence.zone(tz)
    if dtstart.tzinfo is not None:
        raise ValidationError(
            {"dtstart": ["A local date-time, without an offset (the time zone is separate)."]}
        )
    problem = bounds.date_problem(dtstart.date(), timezone.localdate())
    if problem:
        raise ValidationError({"dtstart": [problem]})
    problem = DURATION.problem(duration_minutes)
    if problem:
        raise ValidationError({"duration_minutes": [problem]})
    problem = ESCALATE_AFTER.problem(escalate_after)
    if problem:
        raise ValidationError({"escalate_after": [problem]})
    return name, rule


@transaction.atomic
def create_tier(
    access: Access, actor: Any, *, name: str, kind: str, rrule: str, dtstart: datetime,
    tz: str, duration_minutes: int = 60, audience: dict[str, Any] | None = None,
    team: Team | None = None, template: list[str] | None = None, escalate_after: int = 3,
    required_inputs: list[str] | None = None,
) -> CadenceTier:  # fmt: skip
    """Add a tier (lead role); its template defaults to its kind's."""
    access.require(Role.LEAD)
    name, rule = _clean_tier_fields(
        name=name, kind=kind, rrule=rrule, dtstart=dtstart, tz=tz,
        duration_minutes=duration_minutes, escalate_after=escalate_after,
    )  # fmt: skip
    people, teams = _audience(access.workspace, audience)
    tier = CadenceTier.objects.create(
        workspace=access.workspace, kind=kind, name=name, team=team, rrule=rule,
        start_on=dtstart.date(), start_time=dtstart.time().replace(microsecond=0), time_zone=tz,
        duration_minutes=duration_minutes, template=_template(template, kind),
        required_inputs=[str(x)[:200] for x in (required_inputs or [])][:20],
        escalate_after=escalate_after, uid=new_uid(),
    )  # fmt: skip
    tier.audience_people.set(people)
    tier.audience_teams.set(teams)
    audit(access.workspace, actor, "cadence.create", tier, f"Added the cadence {name} ({rule})")
    return tier


@transaction.atomic
def set_up_standard_tiers(access: Access, actor: Any) -> list[CadenceTier]:
    """Give the workspace the standard tiers it has none of that kind for (owner role): the
    weekly team status, biweekly stakeholder check-in, monthly milestone review and steering
    committee, as a new workspace gets them. Return the tiers added."""
    access.require(Role.OWNER)
    before = set(
        CadenceTier.objects.filter(workspace=access.workspace).values_list("pk", flat=True)
    )
    added = [t for t in ensure_default_tiers(access.workspace) if t.pk not in before]
    for tier in added:
        audit(access.workspace, actor, "cadence.create", tier,
              f"Added the standard cadence {tier.name} ({tier.rrule})")  # fmt: skip
    return added


def _template(template: list[str] | None, kind: str) -> list[str]:
    if template is None:
        return list(TEMPLATES[kind])
    keys = [str(k).strip() for k in template if str(k).strip()]
    if len(keys) > 30 or any(len(k) > 40 for k in keys):
        raise ValidationError({"template": ["At most 30 section keys of at most 40 characters."]})
    return list(dict.fromkeys(keys))


@transaction.atomic
def update_tier(
    access: Access, tier: CadenceTier, actor: Any, *, name: str, rrule: str, dtstart: datetime,
    tz: str, duration_minutes: int, escalate_after: int, template: list[str] | None = None,
    audience: dict[str, Any] | None = None,
) -> CadenceTier:  # fmt: skip
    """Edit a tier (lead role); a change to its schedule or name bumps its calendar SEQUENCE."""
    access.require(Role.LEAD)
    name, rule = _clean_tier_fields(
        name=name, kind=tier.kind, rrule=rrule, dtstart=dtstart, tz=tz,
        duration_minutes=duration_minutes, escalate_after=escalate_after,
    )  # fmt: skip
    before = (tier.name, tier.rrule, tier.start_on, tier.start_time, tier.time_zone,
              tier.duration_minutes)  # fmt: skip
    tier.name, tier.rrule, tier.time_zone = name, rule, tz
    tier.start_on, tier.start_time = dtstart.date(), dtstart.time().replace(microsecond=0)
    tier.duration_minutes, tier.escalate_after = duration_minutes, escalate_after
    if template is not None:
        tier.template = _template(template, tier.kind)
    after = (tier.name, tier.rrule, tier.start_on, tier.start_time, tier.time_zone,
             tier.duration_minutes)  # fmt: skip
    if after != before:
        tier.sequence += 1
    tier.save()
    if audience is not None:
        people, teams = _audience(access.workspace, audience)
        tier.audience_people.set(people)
        tier.audience_teams.set(teams)
    audit(access.workspace, actor, "cadence.update", tier, f"Edited the cadence {name}")
    return tier


# --- Occurrences -----------------------------------------------------------------------------
def parse_start(tier: CadenceTier, value: str) -> datetime:
    """Return the start ``value`` (ISO 8601) if it is one the tier's rule gives."""
    try:
        at = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError({"start": [f"{value!r} is not an ISO 8601 date-time."]}) from None
    tz = recurrence.zone(tier.time_zone)
    at = at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)
    found = recurrence.window(tier, at - timedelta(seconds=1), at + timedelta(seconds=1))
    if not found:
        raise ValidationError({"start": [f"{tier.name} has no meeting at {at.isoformat()}."]})
    return found[0]


def occurrence_for(tier: CadenceTier, start: datetime) -> Occurrence:
    """Return the stored meeting of ``tier`` at ``start``, storing it on first use."""
    occ, _ = Occurrence.objects.get_or_create(
        tier=tier, start=start, defaults={"workspace_id": tier.workspace_id}
    )
    return occ


def latest_occurrence(tier: CadenceTier, now: datetime) -> Occurrence | None:
    """The tier's meeting that started last before ``now`` (stored on first use)."""
    start = recurrence.previous_start(tier, now + timedelta(seconds=1))
    return occurrence_for(tier, start) if start else None


@transaction.atomic
def cancel_occurrence(
    access: Access, occ: Occurrence, actor: Any, cancelled: bool = True
) -> Occurrence:
    """Cancel (or restore) one meeting (lead role); the series' SEQUENCE goes up, so calendars
    take the change."""
    access.require(Role.LEAD)
    if occ.cancelled != cancelled:
        occ.cancelled = cancelled
        occ.save(update_fields=["cancelled"])
        CadenceTier.objects.filter(pk=occ.tier_id).update(sequence=occ.tier.sequence + 1)
        occ.tier.sequence += 1
        verb = "Cancelled" if cancelled else "Restored"
        audit(access.workspace, actor, "cadence.cancel", occ, f"{verb} {occ}")
    return occ


def record_meeting(
    access: Access, occ: Occurrence, actor: Any, *, notes: str | None = None,
    attendees: list[int] | None = None, now: datetime | None = None,
) -> Occurrence:  # fmt: skip
    """Write the meeting's notes and who attended (member role)."""
    access.require(Role.MEMBER)
    if notes is not None:
        if len(notes) > MAX_NOTES:
            raise ValidationError({"notes": [f"At most {MAX_NOTES:,} characters."]})
        occ.notes = notes
    occ.updated_at = now or timezone.now()
    occ.save()
    if attendees is not None:
        people = list(Person.objects.filter(workspace=access.workspace, pk__in=attendees))
        if len(people) != len(set(attendees)):
            raise ValidationError({"attendees": ["Choose people of this workspace."]})
        occ.attendees.set(people)
    audit(access.workspace, actor, "cadence.meeting", occ, f"Recorded the meeting {occ}")
    return occ


@transaction.atomic
def add_decision(
    access: Access, occ: Occurrence, actor: Any, *, title: str, outcome: str = "",
    rationale: str = "", now: datetime | None = None,
) -> Decision:  # fmt: skip
    """Write a decision taken in the meeting into the decision log (member role): proposed and
    routed as any decision; with an ``outcome``, also decided when the actor may decide it."""
    now = now or timezone.now()
    decision = decision_services.create_decision(
        access, title, context=f"Taken in {occ.tier.name} on {local_start(occ):%Y-%m-%d %H:%M}.",
        team=occ.tier.team, actor=actor, now=now,
    )  # fmt: skip
    if outcome.strip() and decision_services.decide_right(access, decision, actor).allowed:
        decision_services.decide(access, decision, outcome=outcome, rationale=rationale,
                                 actor=actor, now=now)  # fmt: skip
    OccurrenceDecision.objects.create(workspace=access.workspace, occurrence=occ, decision=decision)
    return decision


def local_start(occ: Occurrence) -> datetime:
    return occ.start.astimezone(recurrence.zone(occ.tier.time_zone))


@transaction.atomic
def add_action(
    access: Access, occ: Occurrence, actor: Any, *, title: str, owner: Any, due_on: date,
    now: datetime | None = None,
) -> OccurrenceAction:  # fmt: skip
    """Agree an action in the meeting (member role), with an owner and a due date."""
    access.require(Role.MEMBER)
    now = now or timezone.now()
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ["Say what the action is."]})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": [f"At most {MAX_TITLE} characters."]})
    person = Person.objects.filter(workspace=access.workspace, pk=owner).first() if owner else None
    if person is None:
        raise ValidationError({"owner": [f"No person {owner!r} in this workspace."]})
    problem = bounds.date_problem(due_on, timezone.localdate(now))
    if problem:
        raise ValidationError({"due_on": [problem]})
    action = OccurrenceAction.objects.create(
        workspace=access.workspace, tier=occ.tier, occurrence=occ, title=title, owner=person,
        due_on=due_on, created_at=now,
    )  # fmt: skip
    audit(access.workspace, actor, "cadence.action", action, f"Action {title} → {person.name}")
    return action


def close_action(
    access: Access, pk: Any, actor: Any, now: datetime | None = None
) -> OccurrenceAction:
    """Record an action done (member role)."""
    access.require(Role.MEMBER)
    action = OccurrenceAction.objects.filter(workspace=access.workspace, pk=pk).first()
    if action is None:
        raise Http404("No such action")
    if action.done_at is None:
        action.done_at = now or timezone.now()
        action.save(update_fields=["done_at"])
        audit(access.workspace, actor, "cadence.done", action, f"Action {action.title} done")
    return action


def _tier_starts(
    tier: CadenceTier, now: datetime, cache: dict[int, list[datetime]]
) -> list[datetime]:
    if tier.pk not in cache:
        first = datetime.combine(tier.start_on, time.min).replace(
            tzinfo=recurrence.zone(tier.time_zone)
        )
        cancelled = set(
            Occurrence.objects.filter(tier=tier, cancelled=True).values_list("start", flat=True)
        )
        cache[tier.pk] = [s for s in recurrence.window(tier, first, now) if s not in cancelled]
    return cache[tier.pk]


def times_carried(
    action: OccurrenceAction, now: datetime, cache: dict[int, list[datetime]] | None = None
) -> int:
    """The later meetings of the action's tier held from its meeting to ``now`` (cancelled ones
    do not count); reads only (``carry_forward`` stores it). ``cache`` keeps each tier's
    meetings across calls."""
    held = _tier_starts(action.tier, now, {} if cache is None else cache)
    return len(held) - bisect_right(held, action.occurrence.start)


@transaction.atomic
def carry_forward(workspace: Workspace, now: datetime) -> list[OccurrenceAction]:
    """Count, for each open action, the later meetings of its tier held since it was agreed
    (cancelled ones do not count); one carried ``escalate_after`` times or more goes to the next
    tier's agenda. Return the actions escalated now. Idempotent for a given ``now``."""
    cache: dict[int, list[datetime]] = {}
    escalated: list[OccurrenceAction] = []
    above: dict[int, CadenceTier | None] = {}
    for action in OccurrenceAction.objects.filter(
        workspace=workspace, done_at__isnull=True
    ).select_related("tier", "occurrence"):
        count = times_carried(action, now, cache)
        changed = count != action.carried
        action.carried = count
        if count >= action.tier.escalate_after and action.escalated_to_id is None:
            if action.tier_id not in above:
                above[action.tier_id] = next_tier(action.tier)
            target = above[action.tier_id]
            if target is not None:
                action.escalated_to, action.escalated_at, changed = target, now, True
                escalated.append(action)
                audit(workspace, None, "cadence.escalate", action,
                      f"{action.title} escalated from {action.tier.name} to {target.name} "
                      f"after {count} meetings")  # fmt: skip
        if changed:
            action.save(update_fields=["carried", "escalated_to", "escalated_at"])
    return escalated


def action_out(a: OccurrenceAction, today: date) -> CadenceActionOut:
    return {
        "id": a.pk, "title": a.title, "owner": a.owner_id, "owner_name": a.owner.name,
        "due_on": a.due_on, "done": a.done_at is not None,
        "overdue": a.done_at is None and a.due_on < today,
        "age_days": max(0, (today - timezone.localdate(a.created_at)).days),
        "carried": a.carried, "tier": a.tier.name, "raised_at": a.occurrence.start,
        "escalated_to": a.escalated_to.name if a.escalated_to else None,
    }  # fmt: skip


def open_actions(workspace: Workspace, tier: CadenceTier | None = None) -> list[OccurrenceAction]:
    qs = OccurrenceAction.objects.filter(workspace=workspace, done_at__isnull=True)
    if tier is not None:
        qs = qs.filter(tier=tier)
    return list(qs.select_related("owner", "tier", "occurrence", "escalated_to"))


def escalations_to(workspace: Workspace, tier: CadenceTier | None = None) -> list[OccurrenceAction]:
    """Open items escalated (to ``tier``, or to any tier)."""
    qs = OccurrenceAction.objects.filter(
        workspace=workspace, done_at__isnull=True, escalated_to__isnull=False
    )
    if tier is not None:
        qs = qs.filter(escalated_to=tier)
    return list(qs.select_related("owner", "tier", "occurrence", "escalated_to"))


def meeting(occ: Occurrence, now: datetime) -> CadenceOccurrenceOut:
    """The meeting's page: its own actions, the tier's open actions carried from earlier
    meetings (with their age), and the items escalated to this tier from the one below."""
    today = timezone.localdate(now)
    tier = occ.tier
    own = list(occ.actions.select_related("owner", "tier", "occurrence", "escalated_to"))
    carried = [a for a in open_actions(occ.workspace, tier) if a.occurrence.start < occ.start]
    escalated = [a for a in escalations_to(occ.workspace, tier)]
    return {
        "tier_id": tier.pk, "tier": tier.name, "start": local_start(occ),
        "end": recurrence.end_of(local_start(occ), tier.duration_minutes),
        "cancelled": occ.cancelled, "attendees": sorted(p.pk for p in occ.attendees.all()),
        "notes": occ.notes,
        "decisions": [d.decision_id for d in occ.decisions.all()],
        "actions": [action_out(a, today) for a in own],
        "carried": [action_out(a, today) for a in carried],
        "escalated": [action_out(a, today) for a in escalated],
        "votes": [{"person": v.person.name, "answer": v.answer, "rationale": v.rationale}
                  for v in occ.votes.select_related("person")],
        "right_track": occ.right_track,
    }  # fmt: skip
