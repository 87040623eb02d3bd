"""Decision log and decision-rights framework API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from leadline.api_input import Id, Input, in_workspace, text
from leadline.decisions.models import Decision, DecisionComment, DecisionDomain
from leadline.governance.api import WS, GovernanceRouter
from leadline.workspaces.models import Person, Role, Team
from leadline.workspaces.services import Access, access_for

from . import services as decisions

router = GovernanceRouter("decisions")


# --- Decisions ------------------------------------------------------------------------------
class RoutedTo(Schema):
    kind: str
    name: str


class CommentOut(Schema):
    id: int
    author: str
    at: datetime
    text: str


class DecisionOut(Schema):
    id: int
    title: str
    status: str
    domains: list[str]
    routed_to: RoutedTo
    due_at: datetime
    decided_at: datetime | None
    created_at: datetime
    context: str
    options: str
    decision: str
    rationale: str
    consequences: str
    superseded_by: int | None
    latency_hours: float | None
    overdue: bool
    who_may_decide: str = Field(description="Who may record the outcome, in words.")
    decided_by: str = Field(description="The user who recorded the outcome (empty until then).")
    decided_for: str = Field(
        description="Whom an owner decided for, when the owner was not the decider (else empty)."
    )
    comments: list[CommentOut]


class DecisionIn(Input):
    title: Annotated[str, text(Decision, "title")]
    domains: list[Annotated[str, text(DecisionDomain, "name")]] = []
    context: str = ""
    options: str = ""
    team: Annotated[str, text(Team, "slug")] | None = None


class DecideIn(Input):
    decision: str
    rationale: str = ""
    consequences: str = ""


class CommentIn(Input):
    text: str = Field(max_length=decisions.MAX_COMMENT)


class SupersedeIn(Input):
    superseded_by: Id


def _decision_out(d: Decision, triage: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": d.pk,
        "title": d.title,
        "status": d.status,
        "domains": [x.name for x in d.domains.all()],
        "routed_to": {"kind": d.routed_kind, "name": d.routed_name},
        "due_at": d.due_at,
        "decided_at": d.decided_at,
        "created_at": d.created_at,
        "context": d.context,
        "options": d.options,
        "decision": d.decision,
        "rationale": d.rationale,
        "consequences": d.consequences,
        "superseded_by": d.superseded_by_id,
        "latency_hours": d.latency_hours,
        "overdue": d.is_overdue(timezone.now()),
        "who_may_decide": decisions.who_may_decide(d, triage),
        "decided_by": d.decided_by_name,
        "decided_for": d.decided_for,
        "comments": [_comment_out(c) for c in d.comments.all()],
    }


def _comment_out(c: DecisionComment) -> dict[str, Any]:
    return {"id": c.pk, "author": c.author_name, "at": c.at, "text": c.text}


@router.get(WS + "/decisions", response=list[DecisionOut])
def list_decisions(request: HttpRequest, workspace: str, status: str = "") -> list[dict[str, Any]]:
    """List the decision log, newest first; filter by status."""
    access = access_for(request.user, workspace)
    rows = Decision.objects.filter(workspace=access.workspace).prefetch_related(
        "domains", "comments"
    )
    if status:
        rows = rows.filter(status=status)
    triage = decisions.triage_names(access.workspace)  # once, not once per decision
    return [_decision_out(d, triage) for d in rows]


@router.post(WS + "/decisions", response={201: DecisionOut})
def create_decision(
    request: HttpRequest, workspace: str, payload: DecisionIn
) -> Status[dict[str, Any]]:
    """Propose a decision (member role); it is routed to a decider or the triage group."""
    access = access_for(request.user, workspace, Role.MEMBER)
    team = in_workspace(Team, access.workspace, "team", slug=payload.team) if payload.team else None
    d = decisions.create_decision(
        access,
        payload.title,
        domains=payload.domains,
        context=payload.context,
        options=payload.options,
        team=team,
        actor=request.user,
    )
    return Status(201, _decision_out(d))


@router.get(WS + "/decisions/{decision_id}", response=DecisionOut)
def get_decision(request: HttpRequest, workspace: str, decision_id: int) -> dict[str, Any]:
    """Return one decision."""
    return _decision_out(decisions.get_decision(access_for(request.user, workspace), decision_id))


@router.post(WS + "/decisions/{decision_id}/decide", response=DecisionOut)
def decide(
    request: HttpRequest, workspace: str, decision_id: int, payload: DecideIn
) -> dict[str, Any]:
    """Record what was decided: only the decider it was routed to (a person, the holders of a
    role, or a member of the triage group), or an owner acting for them (recorded in
    ``decided_for``); anyone else gets 403 naming who may decide."""
    access = access_for(request.user, workspace, Role.MEMBER)
    d = decisions.decide(
        access,
        decisions.get_decision(access, decision_id),
        outcome=payload.decision,
        rationale=payload.rationale,
        consequences=payload.consequences,
        actor=request.user,
    )
    return _decision_out(d)


@router.post(WS + "/decisions/{decision_id}/comments", response={201: CommentOut})
def comment(
    request: HttpRequest, workspace: str, decision_id: int, payload: CommentIn
) -> Status[dict[str, Any]]:
    """Comment on a decision (member role): everyone may weigh in, only the decider decides."""
    access = access_for(request.user, workspace, Role.MEMBER)
    c = decisions.add_comment(
        access, decisions.get_decision(access, decision_id), payload.text, request.user
    )
    return Status(201, _comment_out(c))


@router.post(WS + "/decisions/{decision_id}/supersede", response=DecisionOut)
def supersede(
    request: HttpRequest, workspace: str, decision_id: int, payload: SupersedeIn
) -> dict[str, Any]:
    """Mark a decision superseded by another one (member role)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    old = decisions.get_decision(access, decision_id)
    try:
        new = decisions.get_decision(access, payload.superseded_by)
    except Http404:
        raise ValidationError(
            {"superseded_by": f"No decision {payload.superseded_by} in this workspace."}
        ) from None
    return _decision_out(decisions.supersede(access, old, new, request.user))


class DomainOut(Schema):
    name: str
    decider: str | None
    decider_kind: str | None
    consulted: list[str]
    informed: list[str]
    gaps: list[str]


class DomainIn(Input):
    name: Annotated[str, text(DecisionDomain, "name")]
    description: str = ""
    decider_person_id: Id | None = None
    decider_role: Role | Literal[""] = ""
    consulted_ids: list[Id] = []
    informed_ids: list[Id] = []


def _people(access: Access, field: str, ids: list[int]) -> list[Person]:
    """Return the workspace's people with ``ids``; any id not among them is a 422 naming it."""
    found = {p.pk: p for p in Person.objects.filter(workspace=access.workspace, pk__in=ids)}
    missing = [i for i in dict.fromkeys(ids) if i not in found]
    if missing:
        raise ValidationError(
            {field: f"No person with id {', '.join(map(str, missing))} in this workspace."}
        )
    return [found[i] for i in dict.fromkeys(ids)]


@router.get(WS + "/decision-domains", response=list[DomainOut])
def who_decides(request: HttpRequest, workspace: str, q: str = "") -> list[dict[str, Any]]:
    """Answer "who decides X?": domains matching ``q`` with decider, consulted, informed, gaps."""
    return decisions.who_decides(access_for(request.user, workspace), q)


@router.post(WS + "/decision-domains", response={201: DomainOut})
def save_domain(request: HttpRequest, workspace: str, payload: DomainIn) -> Status[dict[str, Any]]:
    """Create or update a decision domain by name (lead role)."""
    access = access_for(request.user, workspace, Role.LEAD)
    decider = payload.decider_person_id
    decisions.save_domain(
        access,
        payload.name,
        description=payload.description,
        decider_person=_people(access, "decider_person_id", [decider])[0] if decider else None,
        decider_role=payload.decider_role,
        consulted=_people(access, "consulted_ids", payload.consulted_ids),
        informed=_people(access, "informed_ids", payload.informed_ids),
        actor=request.user,
    )
    row = next(r for r in decisions.who_decides(access) if r["name"] == payload.name.strip())
    return Status(201, row)
