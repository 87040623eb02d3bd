"""The built-in check kinds: decision latency, work in progress per person, blocked time.

Each reads the agreement's team's own records (decisions logged for the team, its work items)
over the clause's window; see docs/governance.md ("Clauses checked against the data") for
exactly what counts.
"""

from __future__ import annotations

from collections import Counter
from statistics import median
from typing import Any

from django.urls import reverse

from leadline.decisions.models import Decision
from leadline.delivery.models import FlagPeriod, StatusMapping, WorkItem
from leadline.records import StageCategory

from .registry import ClauseEvidence, Judging, Verdict, check_kind


def _n(x: float) -> str:
    return f"{x:g}"


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 1)


@check_kind(
    "decision_latency",
    "Decisions within N hours",
    unit="hours",
    default=48,
    low=1,
    high=24 * 90,
    example="Decisions are made within 48 hours",
)
def decision_latency(j: Judging) -> Verdict:
    """Every decision logged for the team and decided in the window took at most N hours,
    and no proposed one has waited longer."""
    rows = Decision.objects.filter(workspace=j.workspace, team=j.team)
    decided = list(rows.filter(decided_at__gte=j.since, decided_at__lte=j.now))
    waiting = list(rows.filter(status=Decision.Status.PROPOSED, created_at__lte=j.now))
    if not decided and not waiting:
        return Verdict(None, f"No decision of the team in the last {j.window_days} days.")
    slug = j.workspace.slug
    late = [
        (d, _hours((d.decided_at - d.created_at).total_seconds()))  # type: ignore[operator]
        for d in decided
    ]
    late = [(d, h) for d, h in late if h > j.limit]
    open_late = [
        (d, _hours((j.now - d.created_at).total_seconds()))
        for d in waiting
        if (j.now - d.created_at).total_seconds() / 3600 > j.limit
    ]
    took = [_hours((d.decided_at - d.created_at).total_seconds()) for d in decided]  # type: ignore[operator]
    evidence = [
        ClauseEvidence("Decided in the window", str(len(decided)), reverse("decisions", args=[slug])),
    ]  # fmt: skip
    if took:
        evidence.append(ClauseEvidence("Median time to decide", f"{_n(median(took))} h"))
    for d, h in sorted(late + open_late, key=lambda x: -x[1])[:5]:
        state = "still open after" if d.status == Decision.Status.PROPOSED else "took"
        evidence.append(
            ClauseEvidence(d.title[:120], f"{state} {_n(h)} h", reverse("decision", args=[slug, d.pk]))
        )  # fmt: skip
    broken = len(late) + len(open_late)
    if broken:
        return Verdict(
            False,
            f"{broken} of {len(decided) + len(waiting)} decisions took or have waited longer "
            f"than {_n(j.limit)} hours.",
            evidence,
        )
    return Verdict(True, f"All {len(decided)} decisions of the window within {_n(j.limit)} hours.", evidence)  # fmt: skip


def _active_statuses(workspace: Any) -> set[str]:
    return set(
        StatusMapping.objects.filter(workspace=workspace, category=StageCategory.ACTIVE)
        .values_list("status", flat=True)
    )  # fmt: skip


def _flow_url(j: Judging) -> str:
    return reverse("delivery", args=[j.workspace.slug]) + f"?team={j.team.slug}"


@check_kind(
    "wip_per_person",
    "No more than N items in progress per person",
    unit="items",
    default=2,
    low=1,
    high=100,
    example="No more than 2 items in progress per person",
)
def wip_per_person(j: Judging) -> Verdict:
    """Now: the team's unfinished items in an in-progress status, counted per assignee."""
    active = _active_statuses(j.workspace)
    items = WorkItem.objects.filter(
        workspace=j.workspace, team=j.team, status__in=active, resolved=None
    ).values_list("key", "assignees")
    per: Counter[str] = Counter()
    unassigned = 0
    for _, assignees in items:
        names = [str(a) for a in assignees or [] if str(a).strip()]
        unassigned += not names
        per.update(set(names))
    if not per:
        return Verdict(None, "No assigned item of the team is in progress now.")
    url = _flow_url(j)
    over = [(name, n) for name, n in per.most_common() if n > j.limit]
    evidence = [ClauseEvidence(name, f"{n} in progress", url) for name, n in per.most_common(6)]
    if unassigned:
        evidence.append(ClauseEvidence("Unassigned", f"{unassigned} in progress", url))
    if over:
        who = ", ".join(f"{name} ({n})" for name, n in over[:4])
        return Verdict(False, f"{len(over)} people have more than {_n(j.limit)} items in progress: {who}.", evidence)  # fmt: skip
    return Verdict(True, f"Everyone has at most {_n(j.limit)} items in progress.", evidence)


@check_kind(
    "blocked_hours",
    "Blocked items raised and cleared within N hours",
    unit="hours",
    default=24,
    low=1,
    high=24 * 30,
    example="Blocked items are raised at the daily",
)
def blocked_hours(j: Judging) -> Verdict:
    """The team's items flagged as blocked in the window: none stayed blocked longer than N
    hours (24: from one daily to the next) — a block raised at the daily gets help the same
    day; one that lasts days usually was not raised."""
    flags = list(
        FlagPeriod.objects.filter(item__workspace=j.workspace, item__team=j.team, start__lte=j.now)
        .exclude(end__lt=j.since)
        .select_related("item")
    )  # fmt: skip
    if not flags:
        return Verdict(None, f"No item of the team was blocked in the last {j.window_days} days.")
    lasted = sorted(
        ((f, _hours(((f.end or j.now) - f.start).total_seconds())) for f in flags),
        key=lambda x: -x[1],
    )
    url = _flow_url(j)
    long = [(f, h) for f, h in lasted if h > j.limit]
    evidence = [ClauseEvidence("Blocks in the window", str(len(flags)), url)]
    for f, h in long[:5]:
        state = "still blocked after" if f.end is None else "blocked for"
        evidence.append(ClauseEvidence(f.item.key, f"{state} {_n(h)} h", url))
    if long:
        return Verdict(False, f"{len(long)} of {len(flags)} blocks lasted longer than {_n(j.limit)} hours.", evidence)  # fmt: skip
    return Verdict(True, f"All {len(flags)} blocks cleared within {_n(j.limit)} hours.", evidence)
