"""Workspace API: workspaces, teams, people, functions, audit log, the current user."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from leadline import bounds
from leadline.api_input import Input, in_workspace, number, text

from . import services
from .models import AuditEvent, Function, Person, Role, Team

router = Router(tags=["workspaces"])


class WorkspaceOut(Schema):
    slug: str
    name: str
    description: str
    role: str


class TeamOut(Schema):
    slug: str
    name: str
    group: str
    description: str


class TeamIn(Input):
    name: Annotated[str, text(Team, "name")]
    group: Annotated[str, text(Team, "group")] = ""
    description: str = ""


class PersonOut(Schema):
    id: int
    name: str
    email: str
    title: str
    kind: str
    function: str | None
    teams: list[str]
    active: bool


class PersonIn(Input):
    name: Annotated[str, text(Person, "name")]
    email: Annotated[str, text(Person, "email")] = ""
    title: Annotated[str, text(Person, "title")] = ""
    kind: Person.Kind = Person.Kind.MEMBER
    function: Annotated[str, text(Function, "name")] | None = None
    teams: list[Annotated[str, text(Team, "slug")]] = []


class FunctionIn(Input):
    name: Annotated[str, text(Function, "name")]


class AuditOut(Schema):
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    summary: str
    changes: dict[str, Any]


class MeOut(Schema):
    username: str
    email: str
    workspaces: list[WorkspaceOut]


def _workspace_out(access: services.Access) -> dict[str, Any]:
    ws = access.workspace
    return {"slug": ws.slug, "name": ws.name, "description": ws.description, "role": access.role}


def _person_out(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "email": p.email,
        "title": p.title,
        "kind": p.kind,
        "function": p.function.name if p.function else None,
        "teams": [t.slug for t in p.teams.all()],
        "active": p.active,
    }


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    """Return the caller and their workspaces."""
    user = request.user
    return {
        "username": user.get_username(),
        "email": getattr(user, "email", ""),
        "workspaces": list_workspaces(request),
    }


@router.get("/workspaces", response=list[WorkspaceOut])
def list_workspaces(request: HttpRequest) -> list[dict[str, Any]]:
    """List the workspaces the caller belongs to, with their role in each."""
    memberships = request.user.memberships.select_related("workspace").order_by("workspace__name")  # type: ignore[union-attr]
    return [_workspace_out(services.Access(m.workspace, m)) for m in memberships]


@router.get("/workspaces/{workspace}", response=WorkspaceOut)
def get_workspace(request: HttpRequest, workspace: str) -> dict[str, Any]:
    """Return one workspace (404 if the caller is not a member)."""
    return _workspace_out(services.access_for(request.user, workspace))


@router.get("/workspaces/{workspace}/teams", response=list[TeamOut])
def list_teams(request: HttpRequest, workspace: str) -> Any:
    """List the workspace's teams."""
    return Team.objects.filter(workspace=services.access_for(request.user, workspace).workspace)


@router.post("/workspaces/{workspace}/teams", response={201: TeamOut})
def create_team(request: HttpRequest, workspace: str, body: TeamIn) -> Status:
    """Create a team (lead role)."""
    access = services.access_for(request.user, workspace, Role.LEAD)
    return Status(
        201, services.create_team(access, body.name, body.group, body.description, request.user)
    )


@router.get("/workspaces/{workspace}/people", response=list[PersonOut])
def list_people(request: HttpRequest, workspace: str, kind: Person.Kind | None = None) -> Any:
    """List people; ``kind`` filters to team members or stakeholders."""
    access = services.access_for(request.user, workspace)
    people = Person.objects.filter(workspace=access.workspace).select_related("function")
    if kind:
        people = people.filter(kind=kind)
    return [_person_out(p) for p in people.prefetch_related("teams")]


@router.post("/workspaces/{workspace}/people", response={201: PersonOut})
def create_person(request: HttpRequest, workspace: str, body: PersonIn) -> Status:
    """Add a person or stakeholder (member role); function and teams are named by name/slug."""
    access = services.access_for(request.user, workspace, Role.MEMBER)
    function = None
    if body.function:
        function = in_workspace(Function, access.workspace, "function", name=body.function)
    teams = list(Team.objects.filter(workspace=access.workspace, slug__in=body.teams))
    missing = set(body.teams) - {t.slug for t in teams}
    if missing:
        from django.core.exceptions import ValidationError

        raise ValidationError({"teams": f"No such team: {', '.join(sorted(missing))}"})
    person = services.create_person(
        access,
        body.name,
        email=body.email,
        title=body.title,
        kind=body.kind,
        function=function,
        teams=teams,
        actor=request.user,
    )
    return Status(201, _person_out(person))


@router.get("/workspaces/{workspace}/functions", response=list[str])
def list_functions(request: HttpRequest, workspace: str) -> list[str]:
    """List the workspace's functions (disciplines)."""
    access = services.access_for(request.user, workspace)
    return list(access.workspace.functions.values_list("name", flat=True))


@router.post("/workspaces/{workspace}/functions", response={201: list[str]})
def add_function(request: HttpRequest, workspace: str, body: FunctionIn) -> Status:
    """Add a function (lead role) and return the list."""
    access = services.access_for(request.user, workspace, Role.LEAD)
    services.add_function(access, body.name, request.user)
    return Status(201, list(access.workspace.functions.values_list("name", flat=True)))


@router.get("/workspaces/{workspace}/audit", response=list[AuditOut])
def audit_log(
    request: HttpRequest, workspace: str, limit: Annotated[int, number(bounds.LIST_LIMIT)] = 100
) -> list[dict[str, Any]]:
    """Return the newest audit events (at most 1000)."""
    access = services.access_for(request.user, workspace)
    events = AuditEvent.objects.filter(workspace=access.workspace)[: max(1, min(limit, 1000))]
    return [
        {
            "at": e.at,
            "actor": e.actor_name,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "summary": e.summary,
            "changes": e.changes,
        }
        for e in events
    ]
