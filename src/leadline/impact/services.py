"""Before/after analysis of a workspace's metric around a change, with possible confounders.

The page, the API and the demo call :func:`before_after`; it reads the metric's series
(:mod:`leadline.impact.series`) and hands it to the pure engine (:mod:`leadline.impact.analysis`),
the same one the CLI runs on a CSV file, so both give the same figures for the same observations.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse

from leadline import bounds, defaults
from leadline.decisions.models import Decision
from leadline.delivery.models import Connection
from leadline.workspaces.models import AuditEvent, Person, Team, Workspace
from leadline.workspaces.services import Access, audit

from . import analysis, series
from .models import Change
from .results import (
    ImpactBeforeAfterOut,
    ImpactChangeOut,
    ImpactConfounder,
    ImpactMetricOut,
    ImpactPoint,
)

DEFAULT_METRIC = "release_interval_days"  # the page's and the API's, when none is chosen
DEFAULT_DAYS = defaults.DORA_DAYS  # two years up to today: a before and an after show
MAX_DAYS = 3660  # ten years of days and leap days


def metric_out(metric: series.Metric) -> ImpactMetricOut:
    return ImpactMetricOut(
        key=metric.key,
        label=metric.label,
        kind=metric.kind,
        unit=metric.unit,
        definition=metric.definition,
    )


def metrics(workspace: Workspace) -> list[ImpactMetricOut]:
    """Every metric the workspace can analyse."""
    return [metric_out(m) for m in series.choices(workspace)]


def change_out(item: Change | Decision) -> ImpactChangeOut:
    """A change or a decision as the change analysed."""
    ws = item.workspace.slug
    if isinstance(item, Decision):
        when = item.decided_at or item.created_at
        return ImpactChangeOut(
            id=item.pk, source="decision", title=item.title, date=when.date().isoformat(),
            team=item.team.slug if item.team else None, description=item.decision or item.context,
            url=reverse("decision", kwargs={"ws": ws, "pk": item.pk}),
        )  # fmt: skip
    return ImpactChangeOut(
        id=item.pk, source="change", title=item.title, date=item.date.isoformat(),
        team=item.team.slug if item.team else None, description=item.description,
        url=reverse("before-after", kwargs={"ws": ws}) + f"?change={item.pk}",
    )  # fmt: skip


def find_change(workspace: Workspace, ref: str) -> Change | Decision:
    """The change a reference names: ``12`` or ``change:12`` (a change), ``decision:7``."""
    kind, _, pk = ref.rpartition(":")
    kind = kind or "change"
    if kind not in ("change", "decision") or not pk.isdigit():
        raise ValidationError({"change": "a change is named change:<id> or decision:<id>"})
    model: Any = Change if kind == "change" else Decision
    found = model.objects.filter(workspace=workspace, pk=int(pk)).select_related("team").first()
    if found is None:
        raise ValidationError({"change": f"no {kind} {pk} in this workspace"})
    return found  # type: ignore[no-any-return]


def _day(value: Any) -> date:
    return value.astimezone(UTC).date() if isinstance(value, datetime) else value


def confounders(
    workspace: Workspace, team: Team | None, start: date, end: date, *, skip: Any = None
) -> list[ImpactConfounder]:
    """Other changes dated in [start, end]: decisions decided, teams made or changed, people
    added or changed, data connections created, other recorded changes."""
    ws = workspace.slug
    lo = datetime.combine(start, time(), UTC)
    hi = datetime.combine(end + timedelta(days=1), time(), UTC)
    out: list[ImpactConfounder] = []
    decisions = Decision.objects.filter(workspace=workspace, decided_at__gte=lo, decided_at__lt=hi)
    if team is not None:
        decisions = decisions.filter(Q(team=team) | Q(team__isnull=True))
    for d in decisions:
        if d == skip:
            continue
        assert d.decided_at is not None
        out.append(ImpactConfounder(
            kind="decision", date=_day(d.decided_at).isoformat(), title=f"Decided: {d.title}",
            url=reverse("decision", kwargs={"ws": ws, "pk": d.pk}),
        ))  # fmt: skip
    people_url = reverse("people", kwargs={"ws": ws})
    teams = Team.objects.filter(workspace=workspace, created_at__gte=lo, created_at__lt=hi)
    for t in teams:
        out.append(ImpactConfounder(kind="team", date=_day(t.created_at).isoformat(),
                                    title=f"Team created: {t.name}", url=people_url))  # fmt: skip
    people = Person.objects.filter(workspace=workspace, created_at__gte=lo, created_at__lt=hi)
    if team is not None:
        people = people.filter(teams=team)
    for p in people:
        out.append(ImpactConfounder(kind="person", date=_day(p.created_at).isoformat(),
                                    title=f"Person added: {p.name}", url=people_url))  # fmt: skip
    events = AuditEvent.objects.filter(
        workspace=workspace, at__gte=lo, at__lt=hi, object_type__in=["team", "person"]
    ).exclude(action__in=["create"])
    for e in events[:50]:
        out.append(ImpactConfounder(kind=e.object_type, date=_day(e.at).isoformat(),  # type: ignore[typeddict-item]
                                    title=e.summary, url=people_url))  # fmt: skip
    conns = Connection.objects.filter(workspace=workspace, created_at__gte=lo, created_at__lt=hi)
    for c in conns:
        out.append(ImpactConfounder(
            kind="connection", date=_day(c.created_at).isoformat(),
            title=f"Data connection created: {c.name} ({c.get_kind_display()})",
            url=reverse("connection", kwargs={"ws": ws, "pk": c.pk}),
        ))  # fmt: skip
    others = Change.objects.filter(workspace=workspace, date__gte=start, date__lte=end)
    for ch in others:
        if ch == skip:
            continue
        out.append(ImpactConfounder(
            kind="change", date=ch.date.isoformat(), title=ch.title,
            url=reverse("before-after", kwargs={"ws": ws}) + f"?change={ch.pk}",
        ))  # fmt: skip
    return sorted(out, key=lambda c: (c["date"], c["kind"], c["title"]))


def before_after(
    workspace: Workspace,
    *,
    metric: str,
    team: Team | None = None,
    at: date | None = None,
    detect: bool = False,
    changes: int = 1,
    window: int = analysis.WINDOW_DAYS,
    start: date | None = None,
    end: date | None = None,
    change: Change | Decision | None = None,
    today: date | None = None,
) -> ImpactBeforeAfterOut:
    """Analyse ``metric`` of the workspace (or ``team``) before and after a change.

    The change's date (a recorded change or a decision) is the announced date unless ``at``
    is given. The range defaults to the two years up to ``today``. Raises ValidationError
    naming the field when something cannot be analysed.
    """
    found = series.get(workspace, metric)
    if found is None:
        raise ValidationError({"metric": f"no metric {metric!r}; see the list of metrics"})
    picked = change_out(change) if change is not None else None
    if at is None and picked is not None:
        at = date.fromisoformat(picked["date"])
    if team is None and isinstance(change, Change | Decision) and change.team is not None:
        team = change.team
    last = end or (today or datetime.now(UTC).date())
    first = start or last - timedelta(days=DEFAULT_DAYS - 1)
    for name, day in (("start", first), ("end", last), ("at", at)):
        problem = bounds.out_of_range(day) if day is not None else None
        if problem:
            raise ValidationError({name: problem})
    if first > last:
        raise ValidationError({"start": "the range starts after it ends"})
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationError({"start": f"the range is at most {MAX_DAYS} days"})
    points = found.read(series.SeriesScope(workspace, team, first, last))
    try:
        result = analysis.analyse(
            [d for d, _ in points], [v for _, v in points], at=at, detect=detect,
            changes=changes, kind=found.kind, window_days=window,
        )  # fmt: skip
    except analysis.AnalysisError as exc:
        field = {"values": "metric"}.get(exc.field, exc.field)
        raise ValidationError({field: f"{found.label}: {exc.message}"}) from None
    centre = date.fromisoformat(result["split_at"] or last.isoformat())
    lo = max(first, centre - timedelta(days=window))
    hi = min(last, centre + timedelta(days=window))
    return ImpactBeforeAfterOut(
        **result,
        metric=metric_out(found),
        team=team.slug if team else None,
        start=first.isoformat(),
        end=last.isoformat(),
        change=picked,
        observations=[ImpactPoint(date=d.isoformat(), value=v) for d, v in points],
        confounders=confounders(workspace, team, lo, hi, skip=change),
        confounder_window=[lo.isoformat(), hi.isoformat()],
    )


def create_change(
    access: Access,
    *,
    title: str,
    day: date,
    description: str = "",
    team: Team | None = None,
    actor: Any = None,
) -> Change:
    """Record a dated change (members and up); validated like the form."""
    access.require("member")
    title = title.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Give the change a title."
    elif len(title) > Change._meta.get_field("title").max_length:  # type: ignore[operator]
        errors["title"] = "At most 300 characters."
    problem = bounds.out_of_range(day)
    if problem:
        errors["date"] = problem
    if len(description) > 5000:
        errors["description"] = "At most 5,000 characters."
    if team is not None and team.workspace_id != access.workspace.pk:
        errors["team"] = "No such team in this workspace."
    if errors:
        raise ValidationError(errors)
    made = Change.objects.create(
        workspace=access.workspace, team=team, title=title, date=day, description=description
    )
    audit(access.workspace, actor, "create", made, f"Recorded the change “{title}” ({day})")
    return made


def changes(workspace: Workspace) -> list[ImpactChangeOut]:
    """The workspace's recorded changes, newest first, then its decided decisions."""
    out = [change_out(c) for c in Change.objects.filter(workspace=workspace).select_related("team")]
    decided = Decision.objects.filter(workspace=workspace, decided_at__isnull=False)
    out += [change_out(d) for d in decided.select_related("team").order_by("-decided_at")[:200]]
    return out
