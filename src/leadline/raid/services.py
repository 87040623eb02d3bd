"""RAID services: create and change items with full history, materialise risks, views of the log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from leadline.bounds import date_problem
from leadline.raid.models import KIND_STATUSES, OPEN_STATUSES, RaidHistory, RaidItem
from leadline.workspaces.models import Person, Role, Team
from leadline.workspaces.services import Access, audit

# Fields a caller may set; anything else in ``data`` is an error, not silently dropped.
EDITABLE = [
    "title",
    "description",
    "status",
    "owner",
    "team",
    "blocker",
    "review_date",
    "external_id",
    "cause",
    "effect",
    "probability",
    "impact",
    "proximity",
    "mitigation",
    "mitigation_actions",
    "trigger",
    "validate_by",
    "severity",
    "due_date",
    "provider_kind",
    "provider_team",
    "provider_name",
    "needed",
    "need_by",
    "work_items",
]


def _plain(value: Any) -> Any:
    """Return a JSON-friendly form of a field value for the history table."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Person | Team):
        return value.name
    return value


DATE_FIELDS = ("review_date", "proximity", "validate_by", "due_date", "need_by")


def _validate(access: Access, item: RaidItem, changed: Iterable[str] | None = None) -> None:
    """Raise ValidationError naming each bad field; dates are checked where ``changed`` (all
    on create), so a stored date from before the bounds does not block an unrelated edit."""
    errors: dict[str, str] = {}
    for name in EDITABLE:
        field = RaidItem._meta.get_field(name)
        if getattr(item, field.attname) is None and not field.null:  # type: ignore[union-attr]
            errors[name] = "This field cannot be empty (null); leave it out to keep it."
    if errors:  # the checks below read these fields
        raise ValidationError(errors)
    today = timezone.localdate()
    for name in DATE_FIELDS if changed is None else set(DATE_FIELDS) & set(changed):
        value = getattr(item, name)
        problem = date_problem(value, today) if value is not None else None
        if problem:
            errors[name] = problem
    if item.external_id:
        taken = RaidItem.objects.filter(workspace=access.workspace, external_id=item.external_id)
        other = taken.exclude(pk=item.pk).values_list("pk", flat=True).first()
        if other is not None:
            errors["external_id"] = (
                f"RAID item #{other} already has the key {item.external_id!r}; keys are unique "
                "in a workspace."
            )
    if item.kind not in KIND_STATUSES:
        errors["kind"] = f"Unknown type {item.kind!r}; use risk, assumption, issue or dependency."
    elif item.status not in KIND_STATUSES[item.kind]:
        errors["status"] = (
            f"A {item.kind} cannot be {item.status!r}; use one of "
            f"{', '.join(KIND_STATUSES[item.kind])}."
        )
    if not item.title.strip():
        errors["title"] = "Give it a title."
    for name in ("probability", "impact"):
        value = getattr(item, name)
        if value is not None and not 1 <= value <= 5:
            errors[name] = f"{name.title()} must be 1 to 5."
    for name in ("owner", "team", "provider_team"):
        obj = getattr(item, name)
        if obj is not None and obj.workspace_id != access.workspace.pk:
            errors[name] = "That belongs to another workspace."
    if item.blocker and item.kind not in {RaidItem.Kind.ISSUE, RaidItem.Kind.DEPENDENCY}:
        errors["blocker"] = "Only an issue or a dependency can block work."
    if item.severity and item.severity not in RaidItem.Severity.values:
        errors["severity"] = f"Use one of {', '.join(RaidItem.Severity.values)}."
    if item.provider_kind and item.provider_kind not in RaidItem.ProviderKind.values:
        errors["provider_kind"] = f"Use one of {', '.join(RaidItem.ProviderKind.values)}."
    if errors:
        raise ValidationError(errors)


def _record(
    item: RaidItem, actor: Any, action: str, changes: dict[str, Any], now: datetime
) -> None:
    name = (
        actor.get_username() if actor is not None and hasattr(actor, "get_username") else "system"
    )
    RaidHistory.objects.create(
        item=item,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=name,
        action=action,
        changes=changes,
    )


@transaction.atomic
def create_item(
    access: Access, kind: str, data: dict[str, Any], actor: Any = None, now: datetime | None = None
) -> RaidItem:
    """Log a RAID item (member role); unknown fields or bad values raise ValidationError."""
    access.require(Role.MEMBER)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({f: "Not a RAID field." for f in unknown})
    now = now or timezone.now()
    values = {k: v for k, v in data.items() if v is not None}
    values.setdefault("status", KIND_STATUSES.get(kind, ["open"])[0])
    item = RaidItem(workspace=access.workspace, kind=kind, created_at=now, updated_at=now, **values)
    _validate(access, item)
    item.save()
    _record(item, actor, "create", {k: [None, _plain(v)] for k, v in values.items()}, now)
    audit(access.workspace, actor, "create", item, f"Logged {kind} {item.title}")
    return item


@transaction.atomic
def update_item(
    access: Access,
    item: RaidItem,
    data: dict[str, Any],
    actor: Any = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Change fields of an item (member role); record and return {field: [old, new]}."""
    access.require(Role.MEMBER)
    if item.workspace_id != access.workspace.pk:
        raise Http404("No such item")
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({f: "Not a RAID field." for f in unknown})
    now = now or timezone.now()
    changes: dict[str, Any] = {}
    for field, new in data.items():
        old = getattr(item, field)
        if old != new:
            changes[field] = [_plain(old), _plain(new)]
            setattr(item, field, new)
    if not changes:
        return {}
    _validate(access, item, changes)
    if "status" in changes:
        item.closed_at = None if item.status in OPEN_STATUSES else now
    item.updated_at = now
    item.save()
    _record(item, actor, "update", changes, now)
    audit(access.workspace, actor, "update", item, f"Changed {item.kind} {item.title}", changes)
    return changes


@transaction.atomic
def materialise_risk(
    access: Access,
    risk: RaidItem,
    actor: Any = None,
    *,
    severity: str = RaidItem.Severity.HIGH,
    due_date: date | None = None,
    now: datetime | None = None,
) -> RaidItem:
    """Turn a risk that happened into a linked issue; the risk becomes "materialised"."""
    access.require(Role.MEMBER)
    if risk.kind != RaidItem.Kind.RISK or risk.workspace_id != access.workspace.pk:
        raise ValidationError({"kind": "Only a risk can materialise."})
    if risk.materialised_as.exists():
        raise ValidationError({"status": "This risk has already materialised."})
    now = now or timezone.now()
    issue = create_item(
        access,
        RaidItem.Kind.ISSUE,
        {
            "title": risk.title,
            "description": f"Materialised from risk #{risk.pk}.\n\n{risk.effect}".strip(),
            "owner": risk.owner,
            "team": risk.team,
            "severity": severity,
            "due_date": due_date,
        },
        actor,
        now,
    )
    issue.source_risk = risk
    issue.save(update_fields=["source_risk"])
    update_item(access, risk, {"status": RaidItem.Status.MATERIALISED}, actor, now)
    _record(risk, actor, "materialise", {"issue": [None, issue.pk]}, now)
    return issue


def get_item(access: Access, pk: int) -> RaidItem:
    """Return one item of the access's workspace; another workspace's item is a 404."""
    item = (
        RaidItem.objects.select_related("owner", "team", "provider_team", "source_risk")
        .filter(workspace=access.workspace, pk=pk)
        .first()
    )
    if item is None:
        raise Http404("No such RAID item")
    return item


@dataclass(frozen=True)
class RegisterFilter:
    """Filters of the register: any left empty matches everything."""

    kind: str = ""
    status: str = ""  # "open" (all open statuses), "closed", or one exact status
    owner: int | None = None
    team: str = ""
    probability: int | None = None
    impact: int | None = None
    blocker: bool = False


def register(access: Access, f: RegisterFilter) -> QuerySet[RaidItem]:
    """Return the workspace's items matching ``f``, newest first."""
    rows = RaidItem.objects.filter(workspace=access.workspace).select_related(
        "owner", "team", "provider_team"
    )
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif f.status == "closed":
        rows = rows.exclude(status__in=OPEN_STATUSES)
    elif f.status:
        rows = rows.filter(status=f.status)
    if f.owner:
        rows = rows.filter(owner_id=f.owner)
    if f.team:
        rows = rows.filter(Q(team__slug=f.team) | Q(provider_team__slug=f.team))
    if f.probability:
        rows = rows.filter(probability=f.probability)
    if f.impact:
        rows = rows.filter(impact=f.impact)
    if f.blocker:
        rows = rows.filter(blocker=True)
    return rows


def heat_map(items: QuerySet[RaidItem]) -> list[list[dict[str, int]]]:
    """Return open risks counted on a 5×5 grid: rows impact 5→1, columns probability 1→5."""
    counts = Counter(
        items.filter(kind=RaidItem.Kind.RISK, status__in=OPEN_STATUSES)
        .exclude(probability=None)
        .exclude(impact=None)
        .values_list("probability", "impact")
    )
    return [
        [
            {"probability": p, "impact": i, "count": counts.get((p, i), 0), "score": p * i}
            for p in range(1, 6)
        ]
        for i in range(5, 0, -1)
    ]


AGE_BUCKETS = [(7, "under a week"), (30, "1–4 weeks"), (90, "1–3 months"), (10**6, "over 3 months")]


def aging(items: QuerySet[RaidItem], now: datetime) -> list[dict[str, Any]]:
    """Count open items by age bucket and kind."""
    buckets: list[dict[str, Any]] = [
        {"label": label, "limit": limit, "total": 0, **{k: 0 for k in RaidItem.Kind.values}}
        for limit, label in AGE_BUCKETS
    ]
    for kind, created in items.filter(status__in=OPEN_STATUSES).values_list("kind", "created_at"):
        days = (now - created).days
        bucket = next(b for b in buckets if days < b["limit"])
        bucket[kind] += 1
        bucket["total"] += 1
    return buckets


def dependency_board(access: Access, now: datetime) -> list[dict[str, Any]]:
    """Return open dependencies grouped by consumer team: who waits on whom, by when."""
    today = now.date()
    rows = (
        RaidItem.objects.filter(
            workspace=access.workspace, kind=RaidItem.Kind.DEPENDENCY, status__in=OPEN_STATUSES
        )
        .select_related("team", "provider_team", "owner")
        .order_by("need_by", "id")
    )
    groups: dict[str, dict[str, Any]] = {}
    for d in rows:
        consumer = d.team.name if d.team else "No team"
        group = groups.setdefault(consumer, {"consumer": consumer, "items": []})
        group["items"].append(
            {
                "item": d,
                "provider": d.provider_label,
                "overdue": d.need_by is not None and d.need_by < today,
                "days_left": (d.need_by - today).days if d.need_by else None,
            }
        )
    return sorted(groups.values(), key=lambda g: g["consumer"])
