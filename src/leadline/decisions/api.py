"""Decision log and decision-rights framework API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from leadline.api_input import Id, Input, in_workspace, text
from leadline.decisions.models import Decision, DecisionComment, DecisionDomain
from leadline.governance.api import WS, GovernanceRouter
from leadline.workspaces.models import Person, Role, Team
from leadline.workspaces.services import Access, access_for

from . import inputs
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


# --- Stakeholder input by personal link --------------------------------------------------------
class DecisionInputRequestIn(Input):
    people: Annotated[list[Id], Field(min_length=1, max_length=50)]
    days: Annotated[int, Field(ge=1, le=366)] | None = None


class DecisionInputPersonOut(Schema):
    id: int
    name: str
    kind: str


class DecisionInputLinkOut(Schema):
    person: DecisionInputPersonOut
    url: str
    token: str
    expires_at: datetime


class DecisionInputOut(Schema):
    person: DecisionInputPersonOut
    stance: str = Field(description='"support", "concerns", "object", "neutral" or "" (none).')
    text: str
    requested_at: datetime
    submitted_at: datetime | None
    updated_at: datetime | None


def _person_ref(p: Person) -> dict[str, Any]:
    return {"id": p.pk, "name": p.name, "kind": p.kind}


def _input_out(i: Any) -> dict[str, Any]:
    return {
        "person": _person_ref(i.person),
        "stance": i.stance,
        "text": i.text,
        "requested_at": i.requested_at,
        "submitted_at": i.submitted_at,
        "updated_at": i.updated_at,
    }


@router.post(
    WS + "/decisions/{decision_id}/input-requests", response={201: list[DecisionInputLinkOut]}
)
def request_input(
    request: HttpRequest, workspace: str, decision_id: int, payload: DecisionInputRequestIn
) -> Status[list[dict[str, Any]]]:
    """Ask people for their input on a proposed decision (lead role): each gets a personal
    link, returned here once, that opens only their input to this decision."""
    access = access_for(request.user, workspace, Role.LEAD)
    d = decisions.get_decision(access, decision_id)
    people = _people(access, "people", payload.people)
    issued = inputs.request_input(access, d, people, days=payload.days, actor=request.user)
    return Status(
        201,
        [
            {
                "person": _person_ref(i.input.person),
                "url": i.url,
                "token": i.token,
                "expires_at": i.input.link.expires_at if i.input.link else d.due_at,
            }
            for i in issued
        ],
    )


@router.get(WS + "/decisions/{decision_id}/inputs", response=list[DecisionInputOut])
def list_inputs(request: HttpRequest, workspace: str, decision_id: int) -> list[dict[str, Any]]:
    """The people asked for input on a decision and what they said (by name)."""
    access = access_for(request.user, workspace)
    return [_input_out(i) for i in inputs.inputs_of(decisions.get_decision(access, decision_id))]


class DecisionInputIn(Input):
    text: Annotated[str, Field(max_length=inputs.MAX_INPUT)] = ""
    stance: Literal["support", "concerns", "object", "neutral", ""] = ""


class DecisionInputPageOut(Schema):
    decision: str
    context: str
    options: str
    routed_to: str
    due_at: datetime
    link_expires_at: datetime
    input: DecisionInputOut


class DecisionLinkGoneOut(Schema):
    """A link that existed but expired, was withdrawn, or whose decision is made."""

    detail: str


def _by_token(token: str) -> Any:
    from leadline.workspaces import links

    try:
        return inputs.resolve_token(token)
    except links.LinkRefused as refused:
        if refused.reason == "unknown":
            raise Http404("This link does not open: it is incomplete or was replaced.") from None
        if refused.reason == "closed":
            raise HttpError(410, "This decision is made: it takes no more input.") from None
        raise HttpError(
            410, f"This link is {refused.reason}: ask {links.whom_to_ask(refused)} for a new one."
        ) from None


def _input_page(i: Any) -> dict[str, Any]:
    d = i.decision
    return {
        "decision": d.title,
        "context": d.context,
        "options": d.options,
        "routed_to": d.routed_name,
        "due_at": d.due_at,
        "link_expires_at": i.link.expires_at,
        "input": _input_out(i),
    }


INPUT_GONE = {200: DecisionInputPageOut, 410: DecisionLinkGoneOut}


@router.get("/decisions/input/{token}", response=INPUT_GONE, auth=None)
def read_input(request: HttpRequest, token: str) -> dict[str, Any]:
    """The link's decision and its holder's own input (no account: the token is the access)."""
    from leadline.workspaces import links

    i = _by_token(token)
    links.record_use(i.link, "open", f"input on {i.decision}")
    return _input_page(i)


@router.post("/decisions/input/{token}", response=INPUT_GONE, auth=None)
def give_input(request: HttpRequest, token: str, payload: DecisionInputIn) -> dict[str, Any]:
    """Give (or change) one's input to a proposed decision through a personal link; 404 for an
    altered link, 410 for an expired or withdrawn one or once the decision is made."""
    from leadline.workspaces import links

    i = _by_token(token)
    inputs.submit_input(i, payload.text, payload.stance)
    links.record_use(i.link, "submit", f"input on {i.decision}")
    return _input_page(i)
