"""Delivery data API: imports, connections, workflow mapping, data quality, stored records.

Every call resolves access with ``access_for`` (another workspace is a 404, too low a role a
403); writes need the lead role. A connection's credential can be set or replaced here but is
never returned: responses say only whether one is set.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from leadline import bounds
from leadline.api_input import KEEP, Input, in_workspace, number, text
from leadline.connectors.git.repository import DEFAULT_DEPLOY_TAGS
from leadline.jobs.api import JobOut
from leadline.workspaces.models import Role, Team, Workspace
from leadline.workspaces.services import access_for

from . import data
from .models import Connection, Deployment, Incident, StatusMapping, WorkItem
from .quality import cached_quality_report

router = Router(tags=["delivery"])
WS = "/workspaces/{workspace}"
ConnectionKind = Literal["jira", "github", "gitlab", "git", "pagerduty", "opsgenie"]
ScheduleName = Literal["manual", "hourly", "daily"]
CategoryName = Literal["backlog", "active", "done", "removed", "unmapped"]
DEPLOY_TAGS = (
    "git: tags matching this glob (e.g. v* or release-*) count as successful production "
    "deployments of the repository; empty: tags are releases only."
)
Limit = Annotated[int, number(bounds.LIST_LIMIT)]


def _team(workspace: Workspace, slug: str | None) -> Team | None:
    return get_object_or_404(Team, workspace=workspace, slug=slug) if slug else None


def _body_team(workspace: Workspace, slug: str | None) -> Team | None:
    return in_workspace(Team, workspace, "team", slug=slug) if slug else None


# --- Connections ----------------------------------------------------------------------------
class ConnectionOut(Schema):
    id: int
    kind: str
    name: str
    team: str | None
    base_url: str
    target: str
    username: str
    credential_set: bool
    schedule: str
    deploy_tags: str
    last_synced_at: datetime | None
    last_error: str
    created_at: datetime


C = Connection  # the column lengths below are the model's


class ConnectionIn(Input):
    kind: ConnectionKind
    name: Annotated[str, text(C, "name")]
    target: Annotated[str, text(C, "target")]
    team: Annotated[str, text(Team, "slug")] | None = None
    base_url: Annotated[str, text(C, "base_url")] = ""
    username: Annotated[str, text(C, "username")] = ""
    credential: Annotated[str, Field(max_length=10_000)] = ""
    schedule: ScheduleName = "daily"
    deploy_tags: str = Field(DEFAULT_DEPLOY_TAGS, max_length=200, description=DEPLOY_TAGS)


class ConnectionPatch(Input):
    """Only the fields sent change; ``null`` empties a field (refused where one is required)."""

    name: Annotated[str, text(C, "name")] | None = None
    target: Annotated[str, text(C, "target")] | None = None
    team: Annotated[str, text(Team, "slug")] | None = None
    base_url: Annotated[str, text(C, "base_url")] | None = None
    username: Annotated[str, text(C, "username")] | None = None
    credential: Annotated[str, Field(max_length=10_000)] | None = None
    schedule: ScheduleName | None = None
    deploy_tags: str | None = Field(None, max_length=200, description=DEPLOY_TAGS)


def _connection_out(c: Connection) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "name": c.name,
        "team": c.team.slug if c.team else None,
        "base_url": c.base_url,
        "target": c.target,
        "username": c.username,
        "credential_set": bool(c.secret),
        "schedule": c.schedule,
        "deploy_tags": c.deploy_tags,
        "last_synced_at": c.last_synced_at,
        "last_error": c.last_error,
        "created_at": c.created_at,
    }


@router.get(WS + "/connections", response=list[ConnectionOut])
def list_connections(request: HttpRequest, workspace: str) -> list[dict[str, Any]]:
    """List the workspace's connections (credentials only as set / not set)."""
    access = access_for(request.user, workspace)
    rows = Connection.objects.filter(workspace=access.workspace).select_related("team")
    return [_connection_out(c) for c in rows]


@router.post(WS + "/connections", response={201: ConnectionOut})
def create_connection(request: HttpRequest, workspace: str, body: ConnectionIn) -> Status:
    """Add a connection (lead role); the credential is stored encrypted and never returned."""
    access = access_for(request.user, workspace, Role.LEAD)
    values = body.dict(exclude={"credential"})
    values["team"] = _body_team(access.workspace, body.team)
    conn = data.save_connection(access, values, body.credential or None, user=request.user)
    return Status(201, _connection_out(conn))


@router.get(WS + "/connections/{connection_id}", response=ConnectionOut)
def get_connection(request: HttpRequest, workspace: str, connection_id: int) -> dict[str, Any]:
    """Return one connection, with its last sync and last error."""
    access = access_for(request.user, workspace)
    return _connection_out(
        get_object_or_404(Connection, pk=connection_id, workspace=access.workspace)
    )


@router.patch(WS + "/connections/{connection_id}", response=ConnectionOut)
def update_connection(
    request: HttpRequest, workspace: str, connection_id: int, body: ConnectionPatch
) -> dict[str, Any]:
    """Change a connection (lead role); a non-empty credential replaces the stored one."""
    access = access_for(request.user, workspace, Role.LEAD)
    conn = get_object_or_404(Connection, pk=connection_id, workspace=access.workspace)
    values = body.dict(exclude_unset=True, exclude={"credential"})
    if "team" in values:
        values["team"] = _body_team(access.workspace, values["team"])
    conn = data.save_connection(access, values, body.credential or None, conn, request.user)
    return _connection_out(conn)


@router.delete(WS + "/connections/{connection_id}", response={204: None})
def delete_connection(request: HttpRequest, workspace: str, connection_id: int) -> Status:
    """Delete a connection and its credential (lead role); imported data stays."""
    access = access_for(request.user, workspace, Role.LEAD)
    conn = get_object_or_404(Connection, pk=connection_id, workspace=access.workspace)
    data.delete_connection(access, conn, request.user)
    return Status(204, None)


@router.post(WS + "/connections/{connection_id}/sync", response={202: JobOut})
def sync_connection(request: HttpRequest, workspace: str, connection_id: int) -> Status:
    """Start a sync now (lead role); if one is already queued or running, return that job."""
    access = access_for(request.user, workspace, Role.LEAD)
    conn = get_object_or_404(Connection, pk=connection_id, workspace=access.workspace)
    job, _ = data.start_sync(conn, request.user)
    if job is None:  # claimed by a concurrent caller a moment ago: its job is being created
        job = data.active_sync(conn)
    return Status(202, job)


# --- Imports --------------------------------------------------------------------------------
@router.post(WS + "/imports", response={202: JobOut})
def create_import(
    request: HttpRequest,
    workspace: str,
    file: File[UploadedFile],
    kind: Form[str],
    team: Form[str] = "",
) -> Status:
    """Upload a file (multipart: ``file``, ``kind``, optional ``team`` slug) and import it.

    Kinds: ``jira-json``, ``csv`` (work items or transitions), ``csv-deployments``,
    ``csv-incidents``. Lead role. Returns the import job (follow it at /jobs/{id}).
    """
    access = access_for(request.user, workspace, Role.LEAD)
    job = data.import_upload(access, kind, file, _team(access.workspace, team), request.user)
    return Status(202, job)


# --- Workflow mapping -----------------------------------------------------------------------
class StatusOut(Schema):
    id: int
    source: str
    project: str
    status: str
    category: str | None
    source_category: str
    waiting: bool
    position: int
    edited: bool


class StatusPatch(Input):
    """At least one of the two; ``category`` null or "unmapped" leaves the status unmapped."""

    category: CategoryName | None = None
    waiting: bool = KEEP


@router.get(WS + "/statuses", response=list[StatusOut])
def list_statuses(request: HttpRequest, workspace: str, unmapped: bool = False) -> Any:
    """List every known status with its stage category (null = unmapped, left out of metrics)."""
    access = access_for(request.user, workspace)
    rows = StatusMapping.objects.filter(workspace=access.workspace)
    return rows.filter(category=None) if unmapped else rows


@router.patch(WS + "/statuses/{status_id}", response=StatusOut)
def update_status(request: HttpRequest, workspace: str, status_id: int, body: StatusPatch) -> Any:
    """Map a status (lead role): ``category`` (``unmapped`` clears it) and/or ``waiting``.

    The mapping is marked edited, so later imports keep it.
    """
    access = access_for(request.user, workspace, Role.LEAD)
    mapping = get_object_or_404(StatusMapping, pk=status_id, workspace=access.workspace)
    given = body.dict(exclude_unset=True)
    if not given:
        raise ValidationError({"body": "Send category and/or waiting; nothing was changed."})
    category = mapping.category
    if "category" in given:
        category = None if body.category in (None, "unmapped") else body.category
    return data.update_mapping(access, mapping, category, body.waiting, request.user)


# --- Data quality ---------------------------------------------------------------------------
class ExampleOut(Schema):
    key: str
    detail: str
    url: str


class CheckOut(Schema):
    check: str
    meaning: str
    count: int
    examples: list[ExampleOut]


class QualityOut(Schema):
    workspace: str
    team: str | None
    items: int
    transitions: int
    findings: int
    checks: list[CheckOut]
    by_type: dict[str, int]


@router.get(WS + "/quality", response=QualityOut)
def get_quality(request: HttpRequest, workspace: str, team: str | None = None) -> dict[str, Any]:
    """The data-quality report of the workspace, or of one team (``?team=slug``).

    Each check has its meaning, a complete count and up to 200 examples (item keys with their
    tracker URL where known).
    """
    access = access_for(request.user, workspace)
    report = cached_quality_report(access.workspace, _team(access.workspace, team))
    return data.link_examples(report, access.workspace)


# --- Stored records -------------------------------------------------------------------------
class ItemOut(Schema):
    key: str
    source: str
    project: str
    team: str | None
    type: str
    title: str
    status: str
    category: str | None
    url: str
    created: datetime
    resolved: datetime | None
    updated: datetime | None
    labels: list[Any]
    assignees: list[Any]
    story_points: float | None


class TransitionOut(Schema):
    at: datetime
    from_status: str | None
    to_status: str
    by: str


class ItemDetailOut(ItemOut):
    parent_key: str
    epic_key: str
    transitions: list[TransitionOut]


def _categories(workspace: Workspace) -> dict[tuple[str, str], str | None]:
    return {
        (source, status): category
        for source, status, category in StatusMapping.objects.filter(
            workspace=workspace
        ).values_list("source", "status", "category")
    }


def _item_out(i: WorkItem, categories: dict[tuple[str, str], str | None]) -> dict[str, Any]:
    return {
        **{f: getattr(i, f) for f in ItemOut.model_fields if hasattr(i, f) and f != "team"},
        "team": i.team.slug if i.team else None,
        "category": categories.get((i.source, i.status)),
    }


@router.get(WS + "/items", response=list[ItemOut])
def list_items(
    request: HttpRequest,
    workspace: str,
    team: str | None = None,
    status: str | None = None,
    limit: Limit = 100,
) -> list[dict[str, Any]]:
    """List work items with their current status and its category, newest first.

    ``team`` (slug) and ``status`` filter; ``limit`` is 1–1000 (default 100).
    """
    access = access_for(request.user, workspace)
    items = WorkItem.objects.filter(workspace=access.workspace).select_related("team")
    if team:
        items = items.filter(team=_team(access.workspace, team))
    if status:
        items = items.filter(status=status)
    limit = max(1, min(limit, 1000))
    categories = _categories(access.workspace)
    return [_item_out(i, categories) for i in items.order_by("-created", "key")[:limit]]


@router.get(WS + "/items/{path:key}", response=ItemDetailOut)
def get_item(
    request: HttpRequest, workspace: str, key: str, source: str | None = None
) -> dict[str, Any]:
    """Return one work item with its full status history (``source`` picks among same keys)."""
    access = access_for(request.user, workspace)
    items = WorkItem.objects.filter(workspace=access.workspace, key=key).select_related("team")
    if source:
        items = items.filter(source=source)
    item = items.order_by("source").first()
    if item is None:
        from django.http import Http404

        raise Http404(f"No work item {key}")
    out = _item_out(item, _categories(access.workspace))
    out["parent_key"], out["epic_key"] = item.parent_key, item.epic_key
    out["transitions"] = list(item.transitions.values("at", "from_status", "to_status", "by"))
    return out


class DeploymentOut(Schema):
    external_id: str
    source: str
    team: str | None
    service: str
    environment: str
    status: str
    is_production: bool
    unplanned: bool
    started: datetime | None
    finished: datetime | None
    sha: str
    ref: str
    url: str


class IncidentOut(Schema):
    external_id: str
    source: str
    team: str | None
    title: str
    service: str
    severity: str
    status: str
    started: datetime
    detected: datetime | None
    resolved: datetime | None
    deployment_id: str
    url: str


def _records(model: Any, schema: type[Schema], request: HttpRequest, workspace: str, team: str | None,
             limit: int, order: str) -> list[dict[str, Any]]:  # fmt: skip
    access = access_for(request.user, workspace)
    rows = model.objects.filter(workspace=access.workspace).select_related("team")
    if team:
        rows = rows.filter(team=_team(access.workspace, team))
    rows = rows.order_by(order, "external_id")[: max(1, min(limit, 1000))]
    fields = [f for f in schema.model_fields if f != "team"]
    return [
        {**{f: getattr(r, f) for f in fields}, "team": r.team.slug if r.team else None}
        for r in rows
    ]


@router.get(WS + "/deployments", response=list[DeploymentOut])
def list_deployments(
    request: HttpRequest, workspace: str, team: str | None = None, limit: Limit = 100
) -> list[dict[str, Any]]:
    """List deployments, newest first (``team`` slug filters; ``limit`` 1–1000)."""
    return _records(Deployment, DeploymentOut, request, workspace, team, limit, "-finished")


@router.get(WS + "/incidents", response=list[IncidentOut])
def list_incidents(
    request: HttpRequest, workspace: str, team: str | None = None, limit: Limit = 100
) -> list[dict[str, Any]]:
    """List incidents, newest first (``team`` slug filters; ``limit`` 1–1000)."""
    return _records(Incident, IncidentOut, request, workspace, team, limit, "-started")
