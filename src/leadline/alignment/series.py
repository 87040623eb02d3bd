"""Repeat and drift: a check repeated on a schedule, and the trend of each question's measure
across its repeats ("aligned at kickoff, still aligned six weeks later?").

A lead makes a check repeat every N weeks or on a list of dates (:func:`repeat`); the periodic
job ``alignment.repeat`` (:func:`run_due`) sends each repeat when it is due: a new check in the
same series with the same questions and audience, new personal links and invitations.
:func:`trend` lines the repeats up per question; :func:`drifts` finds the questions whose
agreement fell from one repeat to the next (the Radar's ``alignment_drift`` rule reads it).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from typing_extensions import TypedDict

from leadline import bounds
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access, audit

from . import services as alignment
from .models import AlignmentCheck, AlignmentSeries
from .questions import QuestionSpec
from .results import results_for

MAX_EVERY_WEEKS = 26
MAX_DATES = 12
# A measure that falls by at least this much between two repeats is drift, even when the
# question has no disagreement yet (Kendall's W 0.9 → 0.6: the order is coming apart).
DRIFT_DROP = 0.2


def _at(day: date) -> datetime:
    """A listed date's send time: 09:00 in the server's time zone."""
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _next_at(series: AlignmentSeries, first: datetime, now: datetime) -> datetime | None:
    """The next send time after ``now``: the next multiple of ``every_weeks`` from ``first``,
    or the next listed date; None when the list is used up."""
    if series.every_weeks:
        step = timedelta(weeks=series.every_weeks)
        at = first + step
        while at <= now:
            at += step
        return at
    later = [_at(date.fromisoformat(d)) for d in series.dates]
    later = [a for a in later if a > now]
    return min(later) if later else None


def clean_schedule(
    every_weeks: int | None, dates: list[date] | None, open_days: int | None, today: date
) -> tuple[int | None, list[str], int]:
    """Validate a schedule: either ``every_weeks`` (1–26) or 1–12 future ``dates``; each repeat
    is open ``open_days`` (1 to LEADLINE_LINK_MAX_DAYS, 7 by default)."""
    dates = list(dates or [])
    if bool(every_weeks) == bool(dates):
        raise ValidationError({"every_weeks": "Repeat every N weeks or on a list of dates."})
    if every_weeks is not None and not 1 <= every_weeks <= MAX_EVERY_WEEKS:
        raise ValidationError({"every_weeks": f"Repeat every 1 to {MAX_EVERY_WEEKS} weeks."})
    if len(dates) > MAX_DATES:
        raise ValidationError({"dates": f"List at most {MAX_DATES} dates."})
    for d in dates:
        problem = bounds.date_problem(d, today)
        if problem:
            raise ValidationError({"dates": problem})
        if d <= today:
            raise ValidationError({"dates": f"{d.isoformat()} is not in the future."})
    days = 7 if open_days is None else open_days
    if not 1 <= days <= settings.LINK_MAX_DAYS:
        raise ValidationError(
            {"open_days": f"A repeat is open 1 to {settings.LINK_MAX_DAYS} days."}
        )
    return every_weeks or None, sorted({d.isoformat() for d in dates}), days


@transaction.atomic
def repeat(
    access: Access,
    check: AlignmentCheck,
    *,
    every_weeks: int | None = None,
    dates: list[date] | None = None,
    open_days: int | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> AlignmentSeries:
    """Make ``check`` repeat (lead role): every ``every_weeks`` weeks from its creation, or on
    ``dates``. A check already in a series changes that series' schedule."""
    access.require(Role.LEAD)
    if check.workspace_id != access.workspace.pk:
        raise Http404("No such alignment check")
    if check.previous_id is not None:
        raise ValidationError(
            {"every_weeks": "A second round is not repeated; repeat the check it follows."}
        )
    now = now or timezone.now()
    every, days_list, days = clean_schedule(every_weeks, dates, open_days, now.date())
    series = check.series or AlignmentSeries(
        workspace=access.workspace,
        team=check.team,
        title=check.title,
        created_at=now,
        created_by_name=actor.get_username() if getattr(actor, "pk", None) else "system",
    )
    series.every_weeks, series.dates, series.open_days, series.active = every, days_list, days, True
    earliest = series.checks.order_by("created_at").first() if series.pk else None
    series.next_at = _next_at(series, earliest.created_at if earliest else check.created_at, now)
    series.save()
    if check.series_id != series.pk:
        check.series = series
        check.save(update_fields=["series"])
    when = f"every {every} weeks" if every else "on " + ", ".join(days_list)
    audit(access.workspace, actor, "update", check, f"{check} repeats {when}")
    return series


def stop(access: Access, series: AlignmentSeries, actor: Any = None) -> AlignmentSeries:
    """Stop sending repeats (lead role); the checks sent so far stay."""
    access.require(Role.LEAD)
    if series.active:
        series.active, series.next_at = False, None
        series.save(update_fields=["active", "next_at"])
        audit(access.workspace, actor, "update", series, f"Stopped repeating {series}")
    return series


def get_series(access: Access, pk: int) -> AlignmentSeries:
    series = AlignmentSeries.objects.filter(workspace=access.workspace, pk=pk).first()
    if series is None:
        raise Http404("No such alignment series")
    return series


def _template(series: AlignmentSeries) -> AlignmentCheck | None:
    """The check a repeat copies: the series' latest first-round check."""
    return series.checks.filter(previous=None).order_by("-created_at", "-id").first()


def send_repeat(
    series: AlignmentSeries, now: datetime
) -> tuple[AlignmentCheck, list[alignment.IssuedLink]]:
    """Create the next check of ``series`` now: the same questions and audience (its active
    people), new links; the next send time moves on."""
    from leadline.governance.services import system_access

    template = _template(series)
    if template is None:
        raise ValidationError({"series": "This series has no check to repeat."})
    access = system_access(series.workspace)
    people = [r.person for r in template.respondents.select_related("person") if r.person.active]
    questions: list[QuestionSpec] = [
        {"kind": q.kind, "text": q.text, "items": q.items, "domain": q.domain, "refs": q.refs}
        for q in template.questions.all()
    ]
    with transaction.atomic():
        check, issued = alignment.create_check(
            access,
            f"{series.title} · {now:%Y-%m-%d}"[:200],
            questions,
            people,
            team=series.team,
            closes_at=now + timedelta(days=series.open_days),
            consensus=template.consensus,
            now=now,
        )
        check.series = series
        check.save(update_fields=["series"])
        first = series.checks.order_by("created_at").first()
        series.next_at = _next_at(series, first.created_at if first else now, now)
        series.save(update_fields=["next_at"])
    return check, issued


def run_due(now: datetime) -> list[AlignmentCheck]:
    """Send every repeat that is due (the ``alignment.repeat`` job); return the new checks."""
    from .notices import send_invitations

    sent = []
    due = AlignmentSeries.objects.filter(active=True, next_at__lte=now).select_related(
        "workspace", "team"
    )
    for series in due:
        try:
            check, issued = send_repeat(series, now)
        except ValidationError:
            # Nothing to repeat (its checks were deleted) or nobody left to ask: stop.
            AlignmentSeries.objects.filter(pk=series.pk).update(active=False, next_at=None)
            continue
        send_invitations(check, issued, now)
        sent.append(check)
    return sent


class SeriesTrendPoint(TypedDict):
    check_id: int
    check: str
    created_at: str
    shown: bool
    responses: int
    measure: float | None
    disagreement: bool | None


class TrendRow(TypedDict):
    kind: str
    text: str
    measure: str
    points: list[SeriesTrendPoint]
    drift: bool
    converged: bool


class SeriesTrend(TypedDict):
    id: int
    title: str
    team: str | None
    every_weeks: int | None
    dates: list[str]
    open_days: int
    next_at: str | None
    active: bool
    checks: list[int]
    questions: list[TrendRow]


def _drifted(
    before: SeriesTrendPoint, after: SeriesTrendPoint, measure: str, min_drop: float = DRIFT_DROP
) -> bool:
    """Agreement fell: a disagreement now and none before, or the measure fell by
    ``min_drop`` or more (every measure grows with agreement, except the number of deciders)."""
    if not before["shown"] or not after["shown"] or not after["responses"]:
        return False
    if after["disagreement"] and not before["disagreement"]:
        return True
    b, a = before["measure"], after["measure"]
    if b is None or a is None:
        return False
    # Every measure grows with agreement except the number of different deciders named.
    return (a - b if measure == "distinct_deciders" else b - a) >= min_drop


def trend(series: AlignmentSeries, min_drop: float = DRIFT_DROP) -> SeriesTrend:
    """Per question (by kind and text), its measure in each check of the series, oldest first;
    a check whose results are hidden shows no measure. ``drift``: agreement fell from the
    last two shown repeats; ``converged``: a disagreement then, none now."""
    checks = list(series.checks.filter(previous=None).order_by("created_at", "id"))
    rows: dict[tuple[str, str], TrendRow] = {}
    for check in checks:
        shown = alignment.results_visible(check)
        results = {q["id"]: q for q in results_for(check)["questions"]} if shown else {}
        for q in check.questions.all():
            row = rows.setdefault(
                (q.kind, q.text),
                {"kind": q.kind, "text": q.text, "measure": "", "points": [], "drift": False,
                 "converged": False},
            )  # fmt: skip
            r = results.get(q.pk)
            if r is not None:
                row["measure"] = r["measure"]["name"]
            row["points"].append(
                {
                    "check_id": check.pk,
                    "check": check.title,
                    "created_at": check.created_at.isoformat(),
                    "shown": shown,
                    "responses": r["responses"] if r else 0,
                    "measure": r["measure"]["value"] if r else None,
                    "disagreement": r["disagreement"] if r else None,
                }
            )
    for row in rows.values():
        shown_points = [p for p in row["points"] if p["shown"] and p["responses"]]
        if len(shown_points) >= 2:
            before, after = shown_points[-2], shown_points[-1]
            row["drift"] = _drifted(before, after, row["measure"], min_drop)
            row["converged"] = bool(before["disagreement"]) and after["disagreement"] is False
    return {
        "id": series.pk,
        "title": series.title,
        "team": series.team.name if series.team_id and series.team else None,
        "every_weeks": series.every_weeks,
        "dates": list(series.dates),
        "open_days": series.open_days,
        "next_at": series.next_at.isoformat() if series.next_at else None,
        "active": series.active,
        "checks": [c.pk for c in checks],
        "questions": [r for r in rows.values() if r["kind"] != "text"],
    }


class Drift(TypedDict):
    series_id: int
    series: str
    team_id: int | None
    question: str
    kind: str
    measure: str
    before: float | None
    after: float | None
    before_check: str
    after_check: str
    after_check_id: int
    newly_apart: bool


def drifts(
    workspace: Any, now: datetime | None = None, min_drop: float = DRIFT_DROP
) -> list[Drift]:
    """The questions whose agreement fell between a series' last two shown repeats, when the
    later one closed at most 42 days ago (or is open). The seam for the Radar."""
    now = now or timezone.now()
    since = now - timedelta(days=42)
    out: list[Drift] = []
    for series in AlignmentSeries.objects.filter(workspace=workspace):
        t = trend(series, min_drop)
        for row in t["questions"]:
            if not row["drift"]:
                continue
            shown = [p for p in row["points"] if p["shown"] and p["responses"]]
            before, after = shown[-2], shown[-1]
            check = AlignmentCheck.objects.get(pk=after["check_id"])
            if check.closed_at is not None and check.closed_at < since:
                continue
            out.append(
                {
                    "series_id": series.pk,
                    "series": series.title,
                    "team_id": series.team_id,
                    "question": row["text"],
                    "kind": row["kind"],
                    "measure": row["measure"],
                    "before": before["measure"],
                    "after": after["measure"],
                    "before_check": before["check"],
                    "after_check": after["check"],
                    "after_check_id": after["check_id"],
                    "newly_apart": bool(after["disagreement"]) and not before["disagreement"],
                }
            )
    return out
