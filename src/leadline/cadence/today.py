"""The home page's cadence sections (see :mod:`leadline.web.today`).

- ``checkpoints``: for a lead, the draft packs waiting to be published (theirs; a team's or
  everyone's when the page is for a team or for everyone), then the next meeting of each tier in
  focus with its local date and time;
- ``cadence-actions``: open actions agreed in meetings that are past their due date or were
  carried into a later meeting: the person's own (for a team, those of its tiers and people).

A tier is in focus when it is run for one of the focus's teams, names the person or one of
those teams in its audience, or is open to the whole workspace (no team, no audience). The
sections appear once the cadence is in use: a meeting opened or a pack built (checkpoints),
an action agreed (actions); the standard tiers every workspace starts with do not count.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from leadline.web.today import SHOWN, Focus, TodayEntry, TodaySection, source

from . import recurrence, services
from .models import CadenceTier, Occurrence, OccurrenceAction, Pack
from .views import stamp

LOOK_AHEAD = 12  # starts read per tier to step over cancelled meetings


def _when(at: datetime, tz: str) -> str:
    local = at.astimezone(recurrence.zone(tz))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({tz})"


def _tier_in_focus(focus: Focus, tier: CadenceTier) -> bool:
    if focus.everything:
        return True
    people = {p.pk for p in tier.audience_people.all()}
    teams = {t.pk for t in tier.audience_teams.all()}
    if tier.team_id is None and not people and not teams:
        return True  # open to the whole workspace
    if tier.team_id in focus.team_ids or teams & focus.team_ids:
        return True
    return focus.basis == "you" and focus.person is not None and focus.person.pk in people


def _next_start(tier: CadenceTier, now: datetime, cancelled: set[datetime]) -> datetime | None:
    return next((s for s in recurrence.next_starts(tier, now, LOOK_AHEAD) if s not in cancelled),
                None)  # fmt: skip


def _waiting_packs(focus: Focus) -> list[TodayEntry]:
    """Draft packs a lead can publish: theirs, or those of the team or workspace in focus."""
    ws = focus.access.workspace
    if not focus.access.can_lead:
        return []
    rows = Pack.objects.filter(workspace=ws, published_at=None).select_related("tier", "team")
    if focus.basis == "you":
        rows = rows.filter(created_by=focus.user.pk)
    entries = []
    for p in rows.order_by("as_of", "id"):
        if focus.basis == "team" and not ({p.team_id, p.tier.team_id} & focus.team_ids):
            continue
        tz = p.tier.time_zone
        entries.append(TodayEntry(
            kind="pack", title=f"{p.tier.name} pack" + (f" · {p.team.name}" if p.team else ""),
            detail=f"A draft with data as of {_when(p.as_of, tz)}: add the narrative and the "
            "status of each section, then publish it to the audience.",
            url=reverse("cadence-pack", args=[ws.slug, p.pk]),
            date=p.as_of.astimezone(recurrence.zone(tz)).date(),
            team=p.team.name if p.team else None, mine=p.created_by_id == focus.user.pk,
        ))  # fmt: skip
    return entries


def _next_meetings(focus: Focus, tiers: list[CadenceTier]) -> list[tuple[datetime, TodayEntry]]:
    ws = focus.access.workspace
    cancelled: dict[int, set[datetime]] = {}
    for tier_id, start in Occurrence.objects.filter(workspace=ws, cancelled=True).values_list(
        "tier_id", "start"
    ):
        cancelled.setdefault(tier_id, set()).add(start)
    out = []
    for tier in tiers:
        if not _tier_in_focus(focus, tier):
            continue
        at = _next_start(tier, focus.now, cancelled.get(tier.pk, set()))
        if at is None:
            continue
        local = at.astimezone(recurrence.zone(tier.time_zone))
        detail = f"Next meeting {_when(at, tier.time_zone)}, {tier.duration_minutes} min"
        detail += " — today." if local.date() == focus.today else "."
        if focus.access.can_lead:
            since = recurrence.previous_start(tier, at) or at
            if not Pack.objects.filter(tier=tier, as_of__gte=since).exists():
                detail += " No pack built for it yet."
        mine = focus.person is not None and any(
            p.pk == focus.person.pk for p in tier.audience_people.all()
        )
        out.append((at, TodayEntry(
            kind="checkpoint", title=tier.name, detail=detail,
            url=reverse("cadence-meeting", args=[ws.slug, tier.pk, stamp(at)]),
            date=local.date(), team=tier.team.name if tier.team else None, mine=mine,
        )))  # fmt: skip
    out.sort(key=lambda pair: pair[0])
    return out


@source(15, "checkpoints")
def checkpoints(focus: Focus) -> TodaySection | None:
    """Packs waiting to be published (leads), then the next meeting of each tier in focus."""
    ws = focus.access.workspace
    in_use = (
        Occurrence.objects.filter(workspace=ws).exists()
        or Pack.objects.filter(workspace=ws).exists()
    )
    if not in_use:
        return None  # the cadence is not used here (yet): no section
    tiers = services.tiers(ws)
    entries = _waiting_packs(focus) + [e for _, e in _next_meetings(focus, tiers)]
    return TodaySection(
        key="checkpoints", title="Checkpoints",
        lede="Status packs waiting for you to publish them, and the next meeting of each "
        "checkpoint you take part in, in its own time zone.",
        count=len(entries), entries=entries[:SHOWN],
        more_url=reverse("cadence", args=[ws.slug]), more_label="The cadence",
        empty="No checkpoint concerns you here.",
    )  # fmt: skip


def _action_concerns(focus: Focus, a: OccurrenceAction, owner_teams: set[int]) -> bool:
    if focus.everything:
        return True
    if focus.basis == "you":
        return focus.person is not None and a.owner_id == focus.person.pk
    return a.tier.team_id in focus.team_ids or bool(owner_teams & focus.team_ids)


@source(33, "cadence-actions")
def actions(focus: Focus) -> TodaySection | None:
    """Open meeting actions past their due date or carried into a later meeting."""
    ws, today = focus.access.workspace, focus.today
    if not OccurrenceAction.objects.filter(workspace=ws).exists():
        return None  # no action was ever agreed in a meeting here: no section
    rows = (
        OccurrenceAction.objects.filter(workspace=ws, done_at=None)
        .select_related("owner", "tier__team", "occurrence", "escalated_to")
        .prefetch_related("owner__teams")
    )
    cache: dict[int, list[datetime]] = {}
    picked: list[tuple[bool, int, Any, int]] = []
    for a in rows:
        carried = services.times_carried(a, focus.now, cache)
        late = (today - a.due_on).days
        if late <= 0 and carried == 0:
            continue
        if not _action_concerns(focus, a, {t.pk for t in a.owner.teams.all()}):
            continue
        mine = focus.person is not None and a.owner_id == focus.person.pk
        picked.append((mine, late, a, carried))
    picked.sort(key=lambda p: (not p[0], -p[1], p[2].pk))
    entries = []
    for mine, late, a, carried in picked[:SHOWN]:
        agreed = services.local_start(a.occurrence)
        detail = f"Agreed in {a.tier.name} on {agreed.day} {agreed:%b}; owner {a.owner.name}; "
        detail += (
            f"{late} days past its due date" if late > 0 else f"due {a.due_on.day} {a.due_on:%b}"
        )
        if carried:
            detail += f"; carried into {carried} later meeting{'s' if carried != 1 else ''}"
        if a.escalated_to is not None:
            detail += f"; escalated to {a.escalated_to.name}"
        entries.append(TodayEntry(
            kind="cadence-action", title=a.title, detail=detail + ".",
            url=reverse("cadence-meeting", args=[ws.slug, a.tier_id, stamp(a.occurrence.start)]),
            date=a.due_on, days_late=late if late > 0 else None,
            team=a.tier.team.name if a.tier.team_id else None, mine=mine,
        ))  # fmt: skip
    return TodaySection(
        key="cadence-actions", title="Meeting actions",
        lede="Actions agreed in a checkpoint, still open past their due date or carried into a "
        "later meeting.",
        count=len(picked), entries=entries,
        more_url=reverse("cadence", args=[ws.slug]), more_label="The cadence",
        empty="Every meeting action is on time.",
    )  # fmt: skip
