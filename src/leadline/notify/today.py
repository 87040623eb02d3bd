"""The home page's governance sections: unread notifications, open escalation alerts,
decisions waiting, and RAID items past their dates (see :mod:`leadline.web.today`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from leadline.decisions.models import Decision
from leadline.governance.services import settings_for
from leadline.notify.models import Alert, Notification
from leadline.raid.models import OPEN_STATUSES, RaidItem
from leadline.web.today import Focus, TodayEntry, TodaySection, source
from leadline.workspaces.models import Role

SHOWN = 8


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)  # the person's display time zone
    return f"{local.day} {local:%b %H:%M}"


def _late(moment: datetime, now: datetime) -> str:
    hours = int((now - moment).total_seconds() // 3600)
    return f"{_days(hours // 24)} overdue" if hours >= 48 else f"{hours} h overdue"


@source(5, "notifications")
def notifications(focus: Focus) -> TodaySection | None:
    """The account's unread notifications (the bell), but for those about an open alert (the
    alerts section lists those); no section when none is left."""
    ws = focus.access.workspace
    alerted = set(
        Alert.objects.filter(workspace=ws, resolved_at=None)
        .exclude(url="")
        .values_list("url", flat=True)
    )
    rows = Notification.objects.filter(user=focus.user.pk, workspace=ws, read_at=None).exclude(
        title__startswith="Escalation: ", url__in=alerted
    )
    count = rows.count()
    if not count:
        return None
    entries = [
        TodayEntry(
            kind="notification",
            title=n.title,
            detail=n.body.split("\n")[0][:300],
            url=n.url or reverse("notifications", args=[ws.slug]),
            date=timezone.localtime(n.created_at).date(),
            mine=True,
        )  # fmt: skip
        for n in rows[:SHOWN]
    ]
    return TodaySection(
        key="notifications", title="Unread notifications",
        lede="Sent to you in this workspace (those about open alerts are listed with the alerts).",
        count=count, entries=entries, more_url=reverse("notifications", args=[ws.slug]),
        more_label="All notifications", empty="",
    )  # fmt: skip


def _routed_to_me(focus: Focus, d: Decision, triage: set[int]) -> str | None:
    """Say how a decision is routed to the person ("you", "your triage group", a role)."""
    person = focus.person
    if d.routed_kind == Decision.RouteKind.PERSON:
        return "you" if person is not None and d.routed_person_id == person.pk else None
    if d.routed_kind == Decision.RouteKind.TRIAGE:
        return "the triage group, which you are in" if person and person.pk in triage else None
    if d.routed_kind == Decision.RouteKind.ROLE and d.routed_role == focus.access.role:
        return f"your role ({Role(d.routed_role).label.lower()})"
    return None


def _triage(focus: Focus) -> set[int]:
    return set(settings_for(focus.access.workspace).triage_group.values_list("pk", flat=True))


def _raid_concerns(focus: Focus, item: RaidItem) -> bool:
    if focus.everything:
        return True
    mine = focus.person is not None and item.owner_id == focus.person.pk
    return mine or item.team_id in focus.team_ids or item.provider_team_id in focus.team_ids


@source(10, "alerts")
def alerts(focus: Focus) -> TodaySection:
    """Open escalation alerts about the items and decisions in focus."""
    ws = focus.access.workspace
    rows = list(Alert.objects.filter(workspace=ws, resolved_at=None).order_by("raised_at"))
    raid_ids = [int(a.subject.split(":")[1]) for a in rows if a.subject.startswith("raid:")]
    decision_ids = [int(a.subject.split(":")[1]) for a in rows if a.subject.startswith("decision:")]
    items = RaidItem.objects.in_bulk(raid_ids)
    decisions = Decision.objects.in_bulk(decision_ids)
    triage = _triage(focus)
    shown: list[tuple[bool, Alert, Any]] = []
    for alert in rows:
        kind, _, pk = alert.subject.partition(":")
        if kind == "raid" and int(pk) in items:
            item = items[int(pk)]
            mine = focus.person is not None and item.owner_id == focus.person.pk
            if _raid_concerns(focus, item):
                shown.append((mine, alert, item.team_id))
        elif kind == "decision" and int(pk) in decisions:
            d = decisions[int(pk)]
            mine = _routed_to_me(focus, d, triage) is not None
            if focus.everything or mine or d.team_id in focus.team_ids:
                shown.append((mine, alert, d.team_id))
    shown.sort(key=lambda s: (not s[0], s[1].raised_at))
    names = dict(ws.teams.values_list("pk", "name"))
    entries = [
        TodayEntry(
            kind="alert",
            title=a.title,
            detail=a.message,
            url=a.url or reverse("governance-alerts", args=[ws.slug]),
            date=timezone.localtime(a.raised_at).date(),
            team=names.get(team_id),
            mine=mine,
        )  # fmt: skip
        for mine, a, team_id in shown[:SHOWN]
    ]
    return TodaySection(
        key="alerts", title="Open alerts",
        lede="Raised by the escalation rules and still open.",
        count=len(shown), entries=entries,
        more_url=reverse("governance-alerts", args=[ws.slug]), more_label="All alerts",
        empty="No open alerts.",
    )  # fmt: skip


@source(20, "decisions")
def decisions(focus: Focus) -> TodaySection:
    """Proposed decisions: those routed to the person (for "you"), or all of the focus."""
    ws = focus.access.workspace
    rows = list(
        Decision.objects.filter(workspace=ws, status=Decision.Status.PROPOSED)
        .select_related("team")
        .order_by("due_at")
    )
    triage = _triage(focus)
    picked: list[tuple[Decision, str | None]] = []
    for d in rows:
        how = _routed_to_me(focus, d, triage)
        if focus.basis == "you" and how is None:
            continue
        if focus.basis == "team" and d.team_id not in focus.team_ids:
            continue
        picked.append((d, how))
    entries = []
    for d, how in picked[:SHOWN]:
        late = d.due_at < focus.now
        detail = f"Routed to {how or d.routed_name}; due {_when(d.due_at)}"
        if late:
            detail += f" ({_late(d.due_at, focus.now)})"
        entries.append(
            TodayEntry(
                kind="decision",
                title=d.title,
                detail=detail + ".",
                url=reverse("decision", args=[ws.slug, d.pk]),
                date=timezone.localtime(d.due_at).date(),
                days_late=(focus.now - d.due_at).days if late else None,
                team=d.team.name if d.team else None,
                mine=how is not None,
            )  # fmt: skip
        )
    you = focus.basis == "you"
    return TodaySection(
        key="decisions", title="Decisions waiting on you" if you else "Decisions waiting",
        lede="Routed to you, to a triage group you are in, or to your role." if you
        else "Proposed and not yet decided, the most pressing first.",
        count=len(picked), entries=entries,
        more_url=reverse("decisions", args=[ws.slug]) + "?status=proposed",
        more_label="The decision log",
        empty="No decision is waiting on you." if you else "No decision is waiting.",
    )  # fmt: skip


# The dates a RAID item can pass, per kind: (field, what the date is called).
DATES = {
    RaidItem.Kind.DEPENDENCY: [("need_by", "Needed by")],
    RaidItem.Kind.ISSUE: [("due_date", "Due")],
    RaidItem.Kind.ASSUMPTION: [("validate_by", "To be validated by")],
    RaidItem.Kind.RISK: [],
}


def _most_late(item: RaidItem, today: date) -> tuple[str, date] | None:
    passed = [
        (label, value)
        for name, label in [*DATES[RaidItem.Kind(item.kind)], ("review_date", "Review was due")]
        if (value := getattr(item, name)) is not None and value < today
    ]
    return min(passed, key=lambda p: p[1]) if passed else None


@source(30, "overdue")
def overdue(focus: Focus) -> TodaySection:
    """Open dependencies, issues and assumptions past their date, and reviews not held."""
    ws, today = focus.access.workspace, focus.today
    past = (
        Q(kind=RaidItem.Kind.DEPENDENCY, need_by__lt=today)
        | Q(kind=RaidItem.Kind.ISSUE, due_date__lt=today)
        | Q(kind=RaidItem.Kind.ASSUMPTION, validate_by__lt=today)
        | Q(review_date__lt=today)
    )
    rows = (
        RaidItem.objects.filter(workspace=ws, status__in=OPEN_STATUSES)
        .filter(past)
        .select_related("owner", "team", "provider_team")
    )
    found = []
    for item in rows:
        late = _most_late(item, today)
        if late is not None and _raid_concerns(focus, item):
            found.append((late, item))
    found.sort(key=lambda f: (f[0][1], f[1].pk))
    entries = []
    for (label, when), item in found[:SHOWN]:
        detail = f"{label} {when.day} {when:%b %Y}: {_days((today - when).days)} late"
        if item.kind == RaidItem.Kind.DEPENDENCY:
            detail += f"; waiting on {item.provider_label}"
        detail += f"; owner {item.owner.name}" if item.owner else "; no owner"
        entries.append(
            TodayEntry(
                kind="raid",
                title=f"{item.get_kind_display()}: {item.title}",
                detail=detail + ".",
                url=reverse("raid-item", args=[ws.slug, item.pk]),
                date=when,
                days_late=(today - when).days,
                team=item.team.name if item.team else None,
                mine=focus.person is not None and item.owner_id == focus.person.pk,
            )  # fmt: skip
        )
    return TodaySection(
        key="overdue", title="Past their dates",
        lede="Open dependencies, issues and assumptions past their date, and reviews not held.",
        count=len(found), entries=entries,
        more_url=reverse("raid", args=[ws.slug]), more_label="The RAID log",
        empty="Nothing in the RAID log is past its date.",
    )  # fmt: skip
