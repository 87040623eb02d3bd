"""RAID log API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Schema, Status

from leadline import bounds
from leadline.api_input import KEEP, Id, Input, PlausibleDate, in_workspace, number, text
from leadline.governance.api import WS, GovernanceRouter
from leadline.raid.models import RaidItem
from leadline.workspaces.models import Person, Role, Team
from leadline.workspaces.services import Access, access_for

from . import services as raid

router = GovernanceRouter("raid")


# --- RAID -----------------------------------------------------------------------------------
class RaidOut(Schema):
    id: int
    kind: str
    external_id: str
    title: str
    description: str
    status: str
    owner: str | None
    team: str | None
    blocker: bool
    score: int | None
    probability: int | None
    impact: int | None
    mitigation: str
    review_date: date | None
    validate_by: date | None
    severity: str
    due_date: date | None
    provider: str | None
    needed: str
    need_by: date | None
    work_items: list[str]
    source_risk: int | None
    created_at: datetime


R = RaidItem  # the column lengths below are the model's


class RaidIn(Input):
    kind: RaidItem.Kind
    title: Annotated[str, text(R, "title")]
    description: str = ""
    status: RaidItem.Status | None = None
    owner_id: Id | None = None
    team: Annotated[str, text(Team, "slug")] | None = None
    blocker: bool = False
    review_date: PlausibleDate | None = None
    external_id: Annotated[str, text(R, "external_id")] = ""
    cause: str = ""
    effect: str = ""
    probability: Annotated[int, number(bounds.SCORE)] | None = None
    impact: Annotated[int, number(bounds.SCORE)] | None = None
    proximity: PlausibleDate | None = None
    mitigation: str = ""
    mitigation_actions: str = ""
    trigger: Annotated[str, text(R, "trigger")] = ""
    validate_by: PlausibleDate | None = None
    severity: RaidItem.Severity | Literal[""] = ""
    due_date: PlausibleDate | None = None
    provider_kind: RaidItem.ProviderKind | Literal[""] = ""
    provider_team: Annotated[str, text(Team, "slug")] | None = None
    provider_name: Annotated[str, text(R, "provider_name")] = ""
    needed: str = ""
    need_by: PlausibleDate | None = None
    work_items: Annotated[str, text(R, "work_items")] = ""


class RaidPatch(Input):
    """Only the fields sent change; ``null`` clears a field that may be empty (owner, scores,
    dates) and is refused for one that may not (title, description, status, mitigation, blocker)."""

    title: Annotated[str, text(R, "title")] = KEEP
    description: str = KEEP
    status: RaidItem.Status = KEEP
    owner_id: Id | None = None
    mitigation: str = KEEP
    probability: Annotated[int, number(bounds.SCORE)] | None = None
    impact: Annotated[int, number(bounds.SCORE)] | None = None
    blocker: bool = KEEP
    review_date: PlausibleDate | None = None
    need_by: PlausibleDate | None = None
    due_date: PlausibleDate | None = None


def _raid_out(i: RaidItem) -> dict[str, Any]:
    return {
        **{f: getattr(i, f) for f in RaidOut.model_fields if hasattr(i, f)},
        "owner": i.owner.name if i.owner else None,
        "team": i.team.slug if i.team else None,
        "provider": i.provider_label if i.kind == RaidItem.Kind.DEPENDENCY else None,
        "work_items": i.work_item_keys(),
        "source_risk": i.source_risk_id,
    }


def _resolve_refs(access: Access, data: dict[str, Any]) -> dict[str, Any]:
    ws = access.workspace
    if "owner_id" in data:
        pk = data.pop("owner_id")
        data["owner"] = in_workspace(Person, ws, "owner_id", pk=pk) if pk else None
    for key in ("team", "provider_team"):
        if key in data:
            slug = data[key]
            data[key] = in_workspace(Team, ws, key, slug=slug) if slug else None
    return data


@router.get(WS + "/raid", response=list[RaidOut])
def list_raid(
    request: HttpRequest,
    workspace: str,
    kind: str = "",
    status: str = "",
    owner: Id | None = None,
    team: str = "",
) -> list[dict[str, Any]]:
    """List RAID items; filter by kind, status ("open", "closed" or exact), owner id, team slug."""
    access = access_for(request.user, workspace)
    rows = raid.register(access, raid.RegisterFilter(kind, status, owner, team))
    return [_raid_out(i) for i in rows]


@router.post(WS + "/raid", response={201: RaidOut})
def create_raid(request: HttpRequest, workspace: str, payload: RaidIn) -> Status[dict[str, Any]]:
    """Log a RAID item (member role)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    data = _resolve_refs(access, payload.dict(exclude={"kind"}))
    item = raid.create_item(access, payload.kind, data, request.user)
    return Status(201, _raid_out(item))


@router.get(WS + "/raid/{item_id}", response=RaidOut)
def get_raid(request: HttpRequest, workspace: str, item_id: int) -> dict[str, Any]:
    """Return one RAID item."""
    return _raid_out(raid.get_item(access_for(request.user, workspace), item_id))


@router.patch(WS + "/raid/{item_id}", response=RaidOut)
def update_raid(
    request: HttpRequest, workspace: str, item_id: int, payload: RaidPatch
) -> dict[str, Any]:
    """Change fields of a RAID item (member role); each change is kept in its history."""
    access = access_for(request.user, workspace, Role.MEMBER)
    item = raid.get_item(access, item_id)
    data = _resolve_refs(access, payload.dict(exclude_unset=True))
    raid.update_item(access, item, data, request.user)
    return _raid_out(raid.get_item(access, item_id))


@router.delete(WS + "/raid/{item_id}", response={204: None})
def delete_raid(request: HttpRequest, workspace: str, item_id: int) -> Status[None]:
    """Delete a RAID item (lead role); prefer closing it, which keeps its history."""
    access = access_for(request.user, workspace, Role.LEAD)
    raid.get_item(access, item_id).delete()
    return Status(204, None)


@router.post(WS + "/raid/{item_id}/materialise", response={201: RaidOut})
def materialise(request: HttpRequest, workspace: str, item_id: int) -> Status[dict[str, Any]]:
    """Turn a risk that happened into a linked issue (member role)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    issue = raid.materialise_risk(access, raid.get_item(access, item_id), request.user)
    return Status(201, _raid_out(issue))


@router.get(WS + "/raid-heatmap")
def raid_heatmap(request: HttpRequest, workspace: str) -> list[list[dict[str, int]]]:
    """Return open risks on the probability × impact grid (rows impact 5→1)."""
    access = access_for(request.user, workspace)
    return raid.heat_map(raid.register(access, raid.RegisterFilter()))
