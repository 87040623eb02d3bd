"""Change-impact check: capture a change request, show its impact, then approve/decline/defer."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from leadline import bounds, defaults
from leadline.changes.models import ChangeRequest
from leadline.decisions import services as decision_services
from leadline.decisions.models import Decision, DecisionDomain
from leadline.raid.models import OPEN_STATUSES, RaidItem
from leadline.workspaces.models import Person, Role, Team
from leadline.workspaces.services import Access, audit

from .scope import check_scope, remaining_scope

FORECAST_TRIALS = defaults.TRIALS
TARGET_PERCENTILE = "85"  # the confidence a promised date is checked at
logger = logging.getLogger(__name__)


def team_daily_throughput(
    team: Team, as_of: date, window_days: int = defaults.WINDOW_DAYS
) -> list[int]:
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
    scope_source: str = "",
    scope_epics: str = "",
    scope_items: str = "",
    target_date: date | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> ChangeRequest:
    """Capture a change request (member role); the remaining scope's source must have what it
    needs (see :func:`change_scope.check_scope`)."""
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
    if target_date is not None and (
        problem := bounds.date_problem(target_date, timezone.localdate())
    ):
        errors["target_date"] = problem
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
        scope_source=scope_source,
        scope_epics=scope_epics,
        scope_items=scope_items,
        target_date=target_date,
        created_at=now or timezone.now(),
    )
    check_scope(cr)
    cr.save()
    cr.domains.set(domains)
    cr.raid_items.set(raid_items)
    audit(
        access.workspace, actor, "create", cr, f"Change request {cr.title} (+{added_items} items)"
    )
    return cr


# Fields a caller may change on a pending request; anything else in ``data`` is an error.
EDITABLE = (
    "title",
    "description",
    "team",
    "requested_by",
    "urgency",
    "added_items",
    "remaining_items",
    "throughput_samples",
    "scope_source",
    "scope_epics",
    "scope_items",
    "target_date",
    "domains",
    "raid_items",
)


@transaction.atomic
def update_change_request(
    access: Access, cr: ChangeRequest, data: dict[str, Any], actor: Any = None
) -> dict[str, Any]:
    """Change fields of a pending request (member role); return {field: [old, new]} as
    audited. A decided request is kept as it was decided."""
    access.require(Role.MEMBER)
    if cr.workspace_id != access.workspace.pk:
        raise Http404("No such change request")
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({f: "Not a change-request field." for f in sorted(unknown)})
    if cr.status != ChangeRequest.Status.PENDING:
        raise ValidationError(
            {"status": f"This change is already {cr.status}; it stays as decided."}
        )
    ws = access.workspace.pk
    related = [data.get("team"), data.get("requested_by")]
    related += list(data.get("domains") or []) + list(data.get("raid_items") or [])
    if any(obj is not None and obj.workspace_id != ws for obj in related):
        raise ValidationError({"team": "That belongs to another workspace."})
    changes: dict[str, Any] = {}
    for name, new in data.items():
        if name in ("domains", "raid_items"):
            old_set = set(getattr(cr, name).all())
            if old_set != set(new):
                changes[name] = [sorted(map(str, old_set)), sorted(map(str, new))]
            continue
        old = getattr(cr, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(cr, name, new)
    if not changes:
        return {}
    if not cr.title.strip():
        raise ValidationError({"title": "Say what the change is."})
    if cr.urgency not in ChangeRequest.Urgency.values:
        raise ValidationError({"urgency": f"Use one of {', '.join(ChangeRequest.Urgency.values)}."})
    errors = {
        name: problem
        for name in ("added_items", "remaining_items")
        if getattr(cr, name) is not None and (problem := bounds.ITEMS.problem(getattr(cr, name)))
    }
    if problem := samples_problem(cr.throughput_samples):
        errors["throughput_samples"] = problem
    target = cr.target_date
    if (
        "target_date" in changes
        and target
        and (problem := bounds.date_problem(target, timezone.localdate()))
    ):
        errors["target_date"] = problem
    if errors:
        raise ValidationError(errors)
    check_scope(cr)
    cr.save()
    for name in ("domains", "raid_items"):
        if name in changes:
            getattr(cr, name).set(data[name])
    audit(access.workspace, actor, "update", cr, f"Changed change request {cr.title}", changes)
    return changes


def _plain(value: Any) -> Any:
    """Return a JSON-friendly form of a field value for the audit log."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Person | Team):
        return value.name
    return value


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
    must agree. Uses delivery data when there is some, else the request's manual samples.

    The scope without the change is read from the request's chosen source
    (:func:`change_scope.remaining_scope`); when there is nothing to read, ``forecast`` is None
    and ``scope["problem"]`` says what to choose (no impact is made up from 0 items). With a
    target date, ``target`` compares both forecasts' dates at 85 % with it.
    """
    samples = team_daily_throughput(cr.team, as_of)
    source = f"delivery data (last {defaults.WINDOW_DAYS} days)"
    if not any(samples):
        samples, source = cr.samples(), "samples entered on the request"
    scope = remaining_scope(cr, as_of)
    impact: dict[str, Any] = {
        "as_of": as_of,
        "source": source,
        "samples": samples,
        "throughput": sum(samples),
        "scope": {
            "source": scope.source,
            "label": scope.label,
            "items": scope.items,
            "problem": scope.problem,
            "keys": list(scope.keys[:100]),
        },
        "forecast": None,
        "target": None,
    }
    # A request stored before the bounds existed may ask for more than a forecast simulates
    # (100,000,000 items held a worker for minutes): explain instead of computing.
    impact["not_computed"] = _beyond_bounds(cr, samples, scope.items)
    if any(samples) and scope.items is not None and not impact["not_computed"]:
        start = as_of + timedelta(days=1)
        without = _forecast(samples, scope.items, start, cr.pk)
        with_change = _forecast(samples, scope.items + cr.added_items, start, cr.pk)
        delay = {
            p: (with_change["days"][p] - without["days"][p])
            if with_change["days"][p] is not None and without["days"][p] is not None
            else None
            for p in without["days"]
        }
        rows = [
            {
                "percentile": int(p),
                "without": {"date": without["dates"][p], "days": without["days"][p]},
                "with": {"date": with_change["dates"][p], "days": with_change["days"][p]},
                "delay_days": delay[p],
            }
            for p in without["days"]
        ]
        impact["forecast"] = {
            "without": without,
            "with": with_change,
            "delay_days": delay,
            "rows": rows,
        }
        if cr.target_date is not None:
            impact["target"] = _against_target(cr.target_date, without, with_change)
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


def _against_target(
    target: date, without: dict[str, Any], with_change: dict[str, Any]
) -> dict[str, Any]:
    """Return both forecasts' dates at 85 % against ``target``: does each meet it, by how much."""

    def check(f: dict[str, Any]) -> dict[str, Any]:
        day = f["dates"][TARGET_PERCENTILE]
        when = date.fromisoformat(day) if day else None
        return {
            "date": day,
            "meets": when is not None and when <= target,
            "days_late": max((when - target).days, 0) if when else None,
        }

    return {
        "date": target.isoformat(),
        "percentile": int(TARGET_PERCENTILE),
        "without": check(without),
        "with": check(with_change),
    }


def _beyond_bounds(cr: ChangeRequest, samples: list[int], remaining: int | None) -> str | None:
    """Return why the impact forecast of ``cr`` is not computed (None when it can be)."""
    left = remaining or 0
    for label, value in (("adds", cr.added_items), ("leaves", left),
                         ("adds and leaves", cr.added_items + left)):  # fmt: skip
        if value > bounds.ITEMS.high:
            return (
                f"This request {label} {value:,} items, more than the {bounds.ITEMS.high:,} a "
                "forecast simulates, so its impact is not computed. Correct the numbers on the "
                "request to see a forecast."
            )
    if len(samples) > bounds.MAX_SAMPLES or (
        samples and max(samples) > bounds.DAILY_THROUGHPUT.high
    ):
        return (
            f"The throughput samples go beyond {bounds.MAX_SAMPLES} days or "
            f"{bounds.DAILY_THROUGHPUT.high:,} items a day, so the impact is not computed."
        )
    return None


OUTCOMES = {"approve": "approved", "decline": "declined", "defer": "deferred"}


def approval_right(
    access: Access, cr: ChangeRequest, user: Any, now: datetime | None = None
) -> decision_services.DecideRight:
    """Return whether ``user`` may resolve ``cr``: whoever may decide the decision it is logged
    as (routed by its domains), see :func:`decisions.decide_right`."""
    planned = decision_services.routed_decision(
        cr.workspace, list(cr.domains.all()), now or timezone.now()
    )
    return decision_services.decide_right(access, planned, user)


@transaction.atomic
def resolve_change(
    access: Access,
    cr: ChangeRequest,
    outcome: str,
    rationale: str = "",
    actor: Any = None,
    now: datetime | None = None,
) -> Decision:
    """Approve, decline or defer a pending change; log it as a decided Decision. Only whoever
    may decide that decision may (see :func:`approval_right`): others raise PermissionDenied."""
    access.require(Role.MEMBER)
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": "Use approve, decline or defer."})
    if cr.status != ChangeRequest.Status.PENDING:
        raise ValidationError({"status": f"This change is already {cr.status}."})
    now = now or timezone.now()
    right = approval_right(access, cr, actor, now)
    if not right.allowed:
        raise PermissionDenied(
            f"Only {right.who} may approve, decline or defer this change; ask them to."
        )
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
