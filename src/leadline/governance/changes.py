"""Change-impact check: capture a change request, show its impact, then approve/decline/defer."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from leadline import bounds
from leadline.workspaces.models import Person, Role, Team
from leadline.workspaces.services import Access, audit

from . import decisions as decision_services
from .models import ChangeRequest, Decision, DecisionDomain, RaidItem
from .models.raid import OPEN_STATUSES

FORECAST_TRIALS = 10_000
logger = logging.getLogger(__name__)


def team_daily_throughput(team: Team, as_of: date, window_days: int = 84) -> list[int]:
    """Return the team's finished items per day for the ``window_days`` before ``as_of``.

    The one seam to delivery data: it asks ``leadline.delivery`` when that app is installed,
    else (or when it fails) returns [] so callers fall back to the manual samples on the change
    request. Zero days are included; the list is oldest first.
    """
    try:
        from leadline.delivery.services import team_daily_throughput as delivery_throughput
    except ImportError:
        return []
    try:
        return list(delivery_throughput(team.workspace.slug, team.slug, as_of, window_days))
    except Exception:  # no or unreadable delivery data: fall back to manual input
        logger.warning("No delivery throughput for team %s", team.slug, exc_info=True)
        return []


@transaction.atomic
def create_change_request(
    access: Access,
    *,
    title: str,
    team: Team,
    added_items: int,
    description: str = "",
    requested_by: Person | None = None,
    urgency: str = ChangeRequest.Urgency.NORMAL,
    remaining_items: int | None = None,
    throughput_samples: str = "",
    domains: Iterable[DecisionDomain] = (),
    raid_items: Iterable[RaidItem] = (),
    actor: Any = None,
    now: datetime | None = None,
) -> ChangeRequest:
    """Capture a change request (member role)."""
    access.require(Role.MEMBER)
    ws = access.workspace.pk
    if team.workspace_id != ws or (requested_by and requested_by.workspace_id != ws):
        raise ValidationError({"team": "That belongs to another workspace."})
    domains, raid_items = list(domains), list(raid_items)
    if any(d.workspace_id != ws for d in domains) or any(i.workspace_id != ws for i in raid_items):
        raise ValidationError({"domains": "That belongs to another workspace."})
    if not title.strip():
        raise ValidationError({"title": "Say what the change is."})
    if urgency not in ChangeRequest.Urgency.values:
        raise ValidationError({"urgency": f"Use one of {', '.join(ChangeRequest.Urgency.values)}."})
    errors = {
        name: problem
        for name, value in (("added_items", added_items), ("remaining_items", remaining_items))
        if value is not None and (problem := bounds.ITEMS.problem(value))
    }
    if problem := samples_problem(throughput_samples):
        errors["throughput_samples"] = problem
    if errors:
        raise ValidationError(errors)
    cr = ChangeRequest(
        workspace=access.workspace,
        team=team,
        title=title.strip(),
        description=description,
        requested_by=requested_by,
        urgency=urgency,
        added_items=added_items,
        remaining_items=remaining_items,
        throughput_samples=throughput_samples,
        created_at=now or timezone.now(),
    )
    cr.save()
    cr.domains.set(domains)
    cr.raid_items.set(raid_items)
    audit(
        access.workspace, actor, "create", cr, f"Change request {cr.title} (+{added_items} items)"
    )
    return cr


def samples_problem(text: str) -> str | None:
    """Return why manual throughput samples are unusable (None when fine or empty)."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        return None
    if not all(p.isascii() and p.isdigit() for p in parts):
        return "Use whole numbers separated by commas, e.g. 0, 2, 1, 3."
    if len(parts) > bounds.MAX_SAMPLES:
        return f"At most {bounds.MAX_SAMPLES} days of samples (got {len(parts)})."
    worst = max(int(p) for p in parts)
    problem = bounds.DAILY_THROUGHPUT.problem(worst)
    return f"Each day's count: {problem}" if problem else None


def get_change(access: Access, pk: int) -> ChangeRequest:
    """Return one change request of the workspace; another workspace's is a 404."""
    cr = (
        ChangeRequest.objects.select_related("team", "requested_by", "decision")
        .filter(workspace=access.workspace, pk=pk)
        .first()
    )
    if cr is None:
        raise Http404("No such change request")
    return cr


def _forecast(samples: list[int], items: int, start: date, seed: int) -> dict[str, Any]:
    from leadline.flow import forecast_when

    f = forecast_when(samples, items, trials=FORECAST_TRIALS, seed=seed, start=start)
    return {
        "items": items,
        "days": {str(p): d for p, d in f.days.items()},
        "dates": {str(p): (d.isoformat() if d else None) for p, d in f.dates.items()},
    }


def change_impact(cr: ChangeRequest, as_of: date) -> dict[str, Any]:
    """Return the forecast with and without the added scope, what the change touches, and who
    must agree. Uses delivery data when there is some, else the request's manual samples."""
    samples = team_daily_throughput(cr.team, as_of)
    source = "delivery data (last 84 days)"
    if not any(samples):
        samples, source = cr.samples(), "samples entered on the request"
    remaining = cr.remaining_items or 0
    impact: dict[str, Any] = {"source": source, "samples": samples, "forecast": None}
    # A request stored before the bounds existed may ask for more than a forecast simulates
    # (100,000,000 items held a worker for minutes): explain instead of computing.
    impact["not_computed"] = _beyond_bounds(cr, samples)
    if any(samples) and not impact["not_computed"]:
        start = as_of + timedelta(days=1)
        without = _forecast(samples, remaining, start, cr.pk)
        with_change = _forecast(samples, remaining + cr.added_items, start, cr.pk)
        delay = {
            p: (with_change["days"][p] - without["days"][p])
            if with_change["days"][p] is not None and without["days"][p] is not None
            else None
            for p in without["days"]
        }
        impact["forecast"] = {"without": without, "with": with_change, "delay_days": delay}
    touched = (
        RaidItem.objects.filter(workspace=cr.workspace, status__in=OPEN_STATUSES)
        .filter(Q(team=cr.team) | Q(provider_team=cr.team) | Q(change_requests=cr))
        .select_related("team", "provider_team", "owner")
        .distinct()
    )
    impact["dependencies"] = [i for i in touched if i.kind == RaidItem.Kind.DEPENDENCY]
    impact["raid"] = [i for i in touched if i.kind != RaidItem.Kind.DEPENDENCY]
    domains = list(
        cr.domains.select_related("decider_person").prefetch_related("consulted", "informed")
    )
    impact["deciders"] = [
        {
            "domain": d.name,
            "decider": decision_services.rights_of(d).decider_name or "nobody named",
            "consulted": [p.name for p in d.consulted.all()],
            "informed": [p.name for p in d.informed.all()],
        }
        for d in domains
    ]
    route = decision_services.plan_route(cr.workspace, domains, timezone.now())
    impact["route"] = {"kind": route.kind, "name": route.name, "reason": route.reason}
    return impact


def _beyond_bounds(cr: ChangeRequest, samples: list[int]) -> str | None:
    """Return why the impact forecast of ``cr`` is not computed (None when it can be)."""
    for label, value in (("adds", cr.added_items), ("leaves", cr.remaining_items or 0),
                         ("adds and leaves", cr.added_items + (cr.remaining_items or 0))):  # fmt: skip
        if value > bounds.ITEMS.high:
            return (
                f"This request {label} {value:,} items, more than the {bounds.ITEMS.high:,} a "
                "forecast simulates, so its impact is not computed. Correct the numbers on the "
                "request to see a forecast."
            )
    if len(samples) > bounds.MAX_SAMPLES or (samples and max(samples) > bounds.DAILY_THROUGHPUT.high):
        return (
            f"The throughput samples go beyond {bounds.MAX_SAMPLES} days or "
            f"{bounds.DAILY_THROUGHPUT.high:,} items a day, so the impact is not computed."
        )
    return None


OUTCOMES = {"approve": "approved", "decline": "declined", "defer": "deferred"}


@transaction.atomic
def resolve_change(
    access: Access,
    cr: ChangeRequest,
    outcome: str,
    rationale: str = "",
    actor: Any = None,
    now: datetime | None = None,
) -> Decision:
    """Approve, decline or defer a pending change (member role); log it as a decided Decision."""
    access.require(Role.MEMBER)
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": "Use approve, decline or defer."})
    if cr.status != ChangeRequest.Status.PENDING:
        raise ValidationError({"status": f"This change is already {cr.status}."})
    now = now or timezone.now()
    decision = decision_services.create_decision(
        access,
        f"Change request: {cr.title}",
        domains=[d.name for d in cr.domains.all()],
        context=f"{cr.description}\n\nAdds {cr.added_items} items to {cr.team.name} "
        f"(urgency {cr.urgency}).".strip(),
        team=cr.team,
        actor=actor,
        now=now,
    )
    decision_services.decide(
        access,
        decision,
        outcome=f"{OUTCOMES[outcome].capitalize()}",
        rationale=rationale,
        actor=actor,
        now=now,
    )
    cr.status = OUTCOMES[outcome]
    cr.decision = decision
    cr.save(update_fields=["status", "decision"])
    audit(access.workspace, actor, outcome, cr, f"Change request {cr.title} {cr.status}")
    return decision
