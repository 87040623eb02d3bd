"""Change requests API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema, Status
from pydantic import Field

from leadline import bounds
from leadline.api_input import Id, Input, in_workspace, number, text
from leadline.decisions.models import DecisionDomain
from leadline.governance.api import WS, GovernanceRouter
from leadline.workspaces.models import Person, Role, Team
from leadline.workspaces.services import access_for

from . import services as changes
from .models import ChangeRequest

router = GovernanceRouter("agreements")  # the routes were first in governance/api/agreements.py


# --- Change requests ------------------------------------------------------------------------
class ChangeOut(Schema):
    id: int
    title: str
    team: str
    urgency: str
    added_items: int
    remaining_items: int | None
    scope_source: str
    scope_epics: str
    scope_items: str
    target_date: date | None
    status: str
    decision_id: int | None
    impact: dict[str, Any] | None = Field(
        None,
        description="Forecast with and without the change. `scope` says where the remaining "
        "scope was read from (`label`), how many items (`items`), or, when there is nothing to "
        "read, `problem` (then `forecast` is null). `target` compares the 85 % dates with the "
        "target date.",
    )


class ChangeIn(Input):
    title: Annotated[str, text(ChangeRequest, "title")]
    team: Annotated[str, text(Team, "slug")]
    added_items: Annotated[int, number(bounds.ITEMS, "Work items the change adds:")]
    description: str = ""
    urgency: ChangeRequest.Urgency = ChangeRequest.Urgency.NORMAL
    requested_by_id: Id | None = None
    remaining_items: Annotated[int, number(bounds.ITEMS, "Items left in the scope:")] | None = None
    throughput_samples: Annotated[str, text(ChangeRequest, "throughput_samples")] = Field(
        default="",
        description="Daily throughput, whole numbers separated by commas (at most "
        f"{bounds.MAX_SAMPLES} days, each {bounds.DAILY_THROUGHPUT.low} to "
        f"{bounds.DAILY_THROUGHPUT.high:,} items), used when no delivery data is imported.",
    )
    domains: list[Annotated[str, text(DecisionDomain, "name")]] = []
    scope_source: ChangeRequest.ScopeSource | None = Field(
        None,
        description="Where the remaining scope is read from: sprint (the team's current "
        "sprint), epics (scope_epics), items (scope_items) or manual (remaining_items). "
        "Omitted with remaining_items given: manual.",
    )
    scope_epics: Annotated[str, text(ChangeRequest, "scope_epics")] = Field(
        "", description="Epic keys, comma-separated, in priority order."
    )
    scope_items: Annotated[str, text(ChangeRequest, "scope_items")] = Field(
        "", description="Work item keys, separated by commas or spaces."
    )
    target_date: date | None = None


class ChangeUpdate(Input):
    """Fields to change on a pending change request; omitted fields stay as they are."""

    title: Annotated[str, text(ChangeRequest, "title")] | None = None
    description: str | None = None
    urgency: ChangeRequest.Urgency | None = None
    added_items: Annotated[int, number(bounds.ITEMS, "Work items the change adds:")] | None = None
    remaining_items: Annotated[int, number(bounds.ITEMS, "Items left in the scope:")] | None = None
    throughput_samples: Annotated[str, text(ChangeRequest, "throughput_samples")] | None = None
    domains: list[Annotated[str, text(DecisionDomain, "name")]] | None = None
    scope_source: ChangeRequest.ScopeSource | None = None
    scope_epics: Annotated[str, text(ChangeRequest, "scope_epics")] | None = None
    scope_items: Annotated[str, text(ChangeRequest, "scope_items")] | None = None
    target_date: date | None = None


class ResolveIn(Input):
    outcome: Literal["approve", "decline", "defer"]
    rationale: str = ""


def _change_out(cr: ChangeRequest, impact: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": cr.pk,
        "title": cr.title,
        "team": cr.team.slug,
        "urgency": cr.urgency,
        "added_items": cr.added_items,
        "remaining_items": cr.remaining_items,
        "scope_source": cr.scope_source,
        "scope_epics": cr.scope_epics,
        "scope_items": cr.scope_items,
        "target_date": cr.target_date,
        "status": cr.status,
        "decision_id": cr.decision_id,
    }
    if impact:
        data = changes.change_impact(cr, timezone.localdate())
        data["dependencies"] = [i.pk for i in data["dependencies"]]
        data["raid"] = [i.pk for i in data["raid"]]
        out["impact"] = data
    return out


@router.get(WS + "/changes", response=list[ChangeOut])
def list_changes(request: HttpRequest, workspace: str) -> list[dict[str, Any]]:
    """List change requests, newest first."""
    access = access_for(request.user, workspace)
    rows = ChangeRequest.objects.filter(workspace=access.workspace).select_related("team")
    return [_change_out(cr) for cr in rows]


@router.post(WS + "/changes", response={201: ChangeOut})
def create_change(
    request: HttpRequest, workspace: str, payload: ChangeIn
) -> Status[dict[str, Any]]:
    """Capture a change request (member role); the answer includes its impact."""
    access = access_for(request.user, workspace, Role.MEMBER)
    ws = access.workspace
    domains = list(DecisionDomain.objects.filter(workspace=ws, name__in=payload.domains))
    unknown = sorted(set(payload.domains) - {d.name for d in domains})
    if unknown:
        raise ValidationError({"domains": f"No decision domain {', '.join(unknown)} here."})
    requested_by = None
    if payload.requested_by_id:
        requested_by = in_workspace(Person, ws, "requested_by_id", pk=payload.requested_by_id)
    cr = changes.create_change_request(
        access,
        title=payload.title,
        team=in_workspace(Team, ws, "team", slug=payload.team),
        added_items=payload.added_items,
        description=payload.description,
        urgency=payload.urgency,
        requested_by=requested_by,
        remaining_items=payload.remaining_items,
        throughput_samples=payload.throughput_samples,
        domains=domains,
        scope_source=payload.scope_source or "",
        scope_epics=payload.scope_epics,
        scope_items=payload.scope_items,
        target_date=payload.target_date,
        actor=request.user,
    )
    return Status(201, _change_out(cr, impact=True))


@router.patch(WS + "/changes/{change_id}", response=ChangeOut)
def update_change(
    request: HttpRequest, workspace: str, change_id: int, payload: ChangeUpdate
) -> dict[str, Any]:
    """Change a pending change request (member role), e.g. choose where its remaining scope
    is read from or set its target date; the answer includes its impact."""
    access = access_for(request.user, workspace, Role.MEMBER)
    cr = changes.get_change(access, change_id)
    data = payload.dict(exclude_unset=True)
    if "domains" in data:
        names = data["domains"] or []
        found = list(DecisionDomain.objects.filter(workspace=access.workspace, name__in=names))
        missing = sorted(set(names) - {d.name for d in found})
        if missing:
            raise ValidationError({"domains": f"Unknown domain: {', '.join(missing)}."})
        data["domains"] = found
    for name in ("title", "urgency", "added_items"):  # null for these means "leave as is"
        if name in data and data[name] is None:
            del data[name]
    for name in ("description", "throughput_samples", "scope_epics", "scope_items"):
        if name in data and data[name] is None:
            data[name] = ""
    if data.get("scope_source") is None and "scope_source" in data:
        data["scope_source"] = ""
    changes.update_change_request(access, cr, data, request.user)
    return _change_out(changes.get_change(access, change_id), impact=True)


@router.get(WS + "/changes/{change_id}", response=ChangeOut)
def get_change(request: HttpRequest, workspace: str, change_id: int) -> dict[str, Any]:
    """Return a change request with its impact: forecast with and without it, what it touches."""
    return _change_out(changes.get_change(access_for(request.user, workspace), change_id), True)


@router.post(WS + "/changes/{change_id}/resolve", response=ChangeOut)
def resolve_change(
    request: HttpRequest, workspace: str, change_id: int, payload: ResolveIn
) -> dict[str, Any]:
    """Approve, decline or defer a change request (member role); it is logged as a decision."""
    access = access_for(request.user, workspace, Role.MEMBER)
    cr = changes.get_change(access, change_id)
    changes.resolve_change(access, cr, payload.outcome, payload.rationale, request.user)
    return _change_out(changes.get_change(access, change_id))
