"""Evidence prompts from the person's own delivery data, with the numbers and where they come
from: forecast calibration of the teams they lead, decision latency in the domains they decide,
the RAID items they own and how they aged, the retrospective actions they own and whether they
were done. Only the person themselves sees these prompts."""

from __future__ import annotations

from datetime import date
from statistics import median
from typing import Any

from django.urls import reverse

from leadline import defaults
from leadline.dashboards.caching import cached_by_data
from leadline.dashboards.scope import Scope
from leadline.delivery.quality import data_version
from leadline.workspaces.models import Person, Role, Workspace
from leadline.workspaces.services import person_for

from .results import CompetencyEvidenceOut


def _days(n: float) -> str:
    n = round(n)
    return f"{n} day" if n == 1 else f"{n} days"


def _led_teams(workspace: Workspace, person: Person) -> list[Any]:
    """Teams the person belongs to while their account leads (lead or owner role): as the
    Radar names a team's lead."""
    if person.user is None:
        return []
    led = person.user.memberships.filter(workspace=workspace, role__in=[Role.LEAD, Role.OWNER])
    return list(person.teams.order_by("name")) if led.exists() else []


@cached_by_data("competency-track-record", lambda scope: data_version(scope.workspace))
def track_record(scope: Scope) -> list[dict[str, Any]]:
    """The team's own track record that the forecasts page states for ``scope`` (how its past
    forecasts of the default method came true; cached until the data changes). The page's
    backtest panel is not computed: it would replay the same history a second time."""
    from leadline.dashboards.forecasts import forecast

    return [dict(t) for t in forecast(scope, backtest=False)["track_record"]]


def forecasts(workspace: Workspace, person: Person) -> list[CompetencyEvidenceOut]:
    from leadline.dashboards.scope import parse_scope

    out: list[CompetencyEvidenceOut] = []
    for team in _led_teams(workspace, person):
        scope = parse_scope(workspace, team, {}, default_days=defaults.WINDOW_DAYS, fit="items")
        row = next((t for t in track_record(scope)
                    if t["question"] == "when" and t["percentile"] == 85), None)  # fmt: skip
        url = reverse("forecasts", args=[workspace.slug]) + f"?team={team.slug}"
        if row is None or not row["forecasts"] or row["hit_rate"] is None:
            text = (f"{team.name} (you lead it): no past forecasts to compare with outcomes yet. "
                    "What do you tell stakeholders about dates today?")  # fmt: skip
        else:
            text = (f"{team.name} (you lead it): of {row['forecasts']} past 'when' forecasts at "
                    f"85%, {row['hit_rate']:.0%} came true (a calibrated forecast: about 85%). "
                    "How do you use forecasts with stakeholders?")  # fmt: skip
        out.append({"competency": "forecasting", "source": "forecasts", "text": text, "url": url})
    return out


def decisions(workspace: Workspace, person: Person) -> list[CompetencyEvidenceOut]:
    from leadline.decisions.models import Decision

    rows = list(
        Decision.objects.filter(workspace=workspace, domains__decider_person=person).distinct()
    )
    if not rows:
        return []
    decided = [d for d in rows if d.latency_hours is not None]
    waiting = [d for d in rows if d.status == Decision.Status.PROPOSED]
    parts = [f"In the decision domains you decide: {len(decided)} decided"]
    if decided:
        parts[0] += f", in a median of {_days(median(d.latency_hours or 0 for d in decided) / 24)}"
    overdue = [d for d in waiting if d.is_overdue()]
    parts.append(f"{len(waiting)} waiting ({len(overdue)} past due)")
    slowest = max(decided, key=lambda d: d.latency_hours or 0, default=None)
    url = reverse("decisions", args=[workspace.slug])
    if slowest is not None:
        url = reverse("decision", args=[workspace.slug, slowest.pk])
        parts.append(f"the slowest: {slowest.title} ({_days((slowest.latency_hours or 0) / 24)})")
    text = "; ".join(parts) + ". How quickly do decisions get made where you decide?"
    return [{"competency": "organisational", "source": "decisions", "text": text, "url": url}]


def raid(workspace: Workspace, person: Person, today: date) -> list[CompetencyEvidenceOut]:
    from leadline.raid.models import OPEN_STATUSES, RaidItem

    rows = list(RaidItem.objects.filter(workspace=workspace, owner=person))
    if not rows:
        return []
    open_ = [r for r in rows if r.status in OPEN_STATUSES]
    closed = [r for r in rows if r.closed_at is not None]
    ages = [(today - r.created_at.date()).days for r in open_]
    took = [(r.closed_at - r.created_at).days for r in closed if r.closed_at]
    text = f"You own {len(rows)} RAID items: {len(open_)} open"
    if ages:
        text += f" (median age {_days(median(ages))}, oldest {_days(max(ages))})"
    text += f", {len(closed)} closed"
    if took:
        text += f" (in a median of {_days(median(took))})"
    risks = sum(1 for r in rows if r.kind == RaidItem.Kind.RISK)
    text += f"; {risks} of them risks. Which did you act on before they became issues?"
    url = reverse("raid", args=[workspace.slug]) + f"?owner={person.pk}"
    return [{"competency": "risk", "source": "raid", "text": text, "url": url}]


def retro_actions(workspace: Workspace, person: Person, today: date) -> list[CompetencyEvidenceOut]:
    from leadline.retro.models import Action

    rows = list(Action.objects.filter(workspace=workspace, owner=person))
    if not rows:
        return []
    done = sum(1 for a in rows if a.status == Action.Status.DONE)
    dropped = sum(1 for a in rows if a.status == Action.Status.DROPPED)
    open_ = [a for a in rows if a.status == Action.Status.OPEN]
    late = sum(1 for a in open_ if a.due_on < today)
    text = (f"You own {len(rows)} retrospective actions: {done} done, {dropped} dropped, "
            f"{len(open_)} open ({late} past due). What changed because of the ones you "
            "finished?")  # fmt: skip
    url = reverse("retros", args=[workspace.slug])
    return [{"competency": "process", "source": "retro", "text": text, "url": url}]


def evidence_for(workspace: Workspace, user: Any, today: date) -> list[CompetencyEvidenceOut]:
    """The prompts for ``user``'s own assessment, from their own data only."""
    person = person_for(workspace, user)
    if person is None:
        return [{
            "competency": "", "source": "account",
            "text": "Your account is not linked to a person of this workspace, so Leadline "
                    "cannot find your forecasts, decisions, RAID items or retro actions. Ask an "
                    "owner to link it on Settings → Members.",
            "url": reverse("settings-members", args=[workspace.slug]),
        }]  # fmt: skip
    return [
        *forecasts(workspace, person),
        *decisions(workspace, person),
        *raid(workspace, person, today),
        *retro_actions(workspace, person, today),
    ]
