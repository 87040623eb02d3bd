"""Governance API: RAID, decisions, decision rights, agreements, change requests, alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from leadline.workspaces.models import Person, Role, Team
from leadline.workspaces.services import Access, access_for

from . import agreements, changes, decisions, raid
from .escalate import evaluate_escalations
from .models import Alert, ChangeRequest, Decision, DecisionDomain, RaidItem, WorkingAgreement
from .models.agreements import SECTIONS

router = Router(tags=["governance"])
WS = "/workspaces/{workspace}"


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


class RaidIn(Schema):
    kind: RaidItem.Kind
    title: str
    description: str = ""
    status: str | None = None
    owner_id: int | None = None
    team: str | None = None
    blocker: bool = False
    review_date: date | None = None
    external_id: str = ""
    cause: str = ""
    effect: str = ""
    probability: int | None = None
    impact: int | None = None
    proximity: date | None = None
    mitigation: str = ""
    mitigation_actions: str = ""
    trigger: str = ""
    validate_by: date | None = None
    severity: str = ""
    due_date: date | None = None
    provider_kind: str = ""
    provider_team: str | None = None
    provider_name: str = ""
    needed: str = ""
    need_by: date | None = None
    work_items: str = ""


class RaidPatch(Schema):
    title: str | None = None
    description: str | None = None
    status: str | None = None
    owner_id: int | None = None
    mitigation: str | None = None
    probability: int | None = None
    impact: int | None = None
    blocker: bool | None = None
    review_date: date | None = None
    need_by: date | None = None
    due_date: date | None = None


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
        data["owner"] = get_object_or_404(Person, workspace=ws, pk=pk) if pk else None
    for key in ("team", "provider_team"):
        if key in data:
            slug = data[key]
            data[key] = get_object_or_404(Team, workspace=ws, slug=slug) if slug else None
    return data


@router.get(WS + "/raid", response=list[RaidOut])
def list_raid(
    request: HttpRequest,
    workspace: str,
    kind: str = "",
    status: str = "",
    owner: int | None = None,
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


# --- Alerts ---------------------------------------------------------------------------------
class AlertOut(Schema):
    subject: str
    rule: str
    title: str
    message: str
    url: str
    raised_at: datetime
    resolved_at: datetime | None


@router.get(WS + "/alerts", response=list[AlertOut])
def list_alerts(request: HttpRequest, workspace: str, open_only: bool = True) -> Any:
    """List escalation alerts (open ones by default)."""
    access = access_for(request.user, workspace)
    rows = Alert.objects.filter(workspace=access.workspace)
    return rows.filter(resolved_at=None) if open_only else rows


@router.post(WS + "/escalate", response=list[AlertOut])
def escalate(request: HttpRequest, workspace: str) -> Any:
    """Evaluate the escalation rules now (lead role); return the alerts newly raised."""
    access = access_for(request.user, workspace, Role.LEAD)
    return evaluate_escalations(access.workspace, timezone.now())


# --- Decisions ------------------------------------------------------------------------------
class RoutedTo(Schema):
    kind: str
    name: str


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


class DecisionIn(Schema):
    title: str
    domains: list[str] = []
    context: str = ""
    options: str = ""
    team: str | None = None


class DecideIn(Schema):
    decision: str
    rationale: str = ""
    consequences: str = ""


class SupersedeIn(Schema):
    superseded_by: int


def _decision_out(d: Decision) -> dict[str, Any]:
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
    }


@router.get(WS + "/decisions", response=list[DecisionOut])
def list_decisions(request: HttpRequest, workspace: str, status: str = "") -> list[dict[str, Any]]:
    """List the decision log, newest first; filter by status."""
    access = access_for(request.user, workspace)
    rows = Decision.objects.filter(workspace=access.workspace).prefetch_related("domains")
    if status:
        rows = rows.filter(status=status)
    return [_decision_out(d) for d in rows]


@router.post(WS + "/decisions", response={201: DecisionOut})
def create_decision(
    request: HttpRequest, workspace: str, payload: DecisionIn
) -> Status[dict[str, Any]]:
    """Propose a decision (member role); it is routed to a decider or the triage group."""
    access = access_for(request.user, workspace, Role.MEMBER)
    team = (
        get_object_or_404(Team, workspace=access.workspace, slug=payload.team)
        if payload.team
        else None
    )
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
    """Record what was decided (member role)."""
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


@router.post(WS + "/decisions/{decision_id}/supersede", response=DecisionOut)
def supersede(
    request: HttpRequest, workspace: str, decision_id: int, payload: SupersedeIn
) -> dict[str, Any]:
    """Mark a decision superseded by another one (member role)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    old = decisions.get_decision(access, decision_id)
    new = decisions.get_decision(access, payload.superseded_by)
    return _decision_out(decisions.supersede(access, old, new, request.user))


class DomainOut(Schema):
    name: str
    decider: str | None
    decider_kind: str | None
    consulted: list[str]
    informed: list[str]
    gaps: list[str]


class DomainIn(Schema):
    name: str
    description: str = ""
    decider_person_id: int | None = None
    decider_role: str = ""
    consulted_ids: list[int] = []
    informed_ids: list[int] = []


@router.get(WS + "/decision-domains", response=list[DomainOut])
def who_decides(request: HttpRequest, workspace: str, q: str = "") -> list[dict[str, Any]]:
    """Answer "who decides X?": domains matching ``q`` with decider, consulted, informed, gaps."""
    return decisions.who_decides(access_for(request.user, workspace), q)


@router.post(WS + "/decision-domains", response={201: DomainOut})
def save_domain(request: HttpRequest, workspace: str, payload: DomainIn) -> Status[dict[str, Any]]:
    """Create or update a decision domain by name (lead role)."""
    access = access_for(request.user, workspace, Role.LEAD)
    people = Person.objects.filter(workspace=access.workspace)
    decisions.save_domain(
        access,
        payload.name,
        description=payload.description,
        decider_person=get_object_or_404(people, pk=payload.decider_person_id)
        if payload.decider_person_id
        else None,
        decider_role=payload.decider_role,
        consulted=people.filter(pk__in=payload.consulted_ids),
        informed=people.filter(pk__in=payload.informed_ids),
        actor=request.user,
    )
    row = next(r for r in decisions.who_decides(access) if r["name"] == payload.name.strip())
    return Status(201, row)


# --- Working agreements ---------------------------------------------------------------------
class AgreementOut(Schema):
    id: int
    team: str
    scope: str
    review_date: date | None
    version: int | None
    sections: dict[str, str]
    acknowledged: list[str]
    pending: list[str]


class AgreementIn(Schema):
    team: str
    scope: WorkingAgreement.Scope = WorkingAgreement.Scope.TEAM
    sections: dict[str, str] = {}
    note: str = ""


def _agreement_out(a: WorkingAgreement) -> dict[str, Any]:
    status = agreements.acknowledgement_status(a)
    latest = status["latest"]
    return {
        "id": a.pk,
        "team": a.team.slug,
        "scope": a.scope,
        "review_date": a.review_date,
        "version": latest.number if latest else None,
        "sections": {f: getattr(latest, f) for f, _ in SECTIONS} if latest else {},
        "acknowledged": [p.name for p in status["acknowledged"]],
        "pending": [p.name for p in status["pending"]],
    }


@router.get(WS + "/agreements", response=list[AgreementOut])
def list_agreements(request: HttpRequest, workspace: str) -> list[dict[str, Any]]:
    """List working agreements with their latest version and acknowledgements."""
    access = access_for(request.user, workspace)
    rows = WorkingAgreement.objects.filter(workspace=access.workspace).select_related("team")
    return [_agreement_out(a) for a in rows]


@router.post(WS + "/agreements", response={201: AgreementOut})
def save_agreement(
    request: HttpRequest, workspace: str, payload: AgreementIn
) -> Status[dict[str, Any]]:
    """Create the team's agreement or save a new version of it (member role)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    team = get_object_or_404(Team, workspace=access.workspace, slug=payload.team)
    a = agreements.get_or_create_agreement(access, team, payload.scope, actor=request.user)
    agreements.save_version(access, a, payload.sections, note=payload.note, actor=request.user)
    return Status(201, _agreement_out(a))


@router.post(WS + "/agreements/{agreement_id}/acknowledge", response=AgreementOut)
def acknowledge(request: HttpRequest, workspace: str, agreement_id: int) -> dict[str, Any]:
    """Acknowledge the latest version as the caller's own Person record."""
    access = access_for(request.user, workspace)
    a = get_object_or_404(WorkingAgreement, workspace=access.workspace, pk=agreement_id)
    person = agreements.person_for_user(access.workspace, request.user)
    if person is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"person": "Your account is not linked to a person here."})
    agreements.acknowledge(a, person)
    return _agreement_out(a)


# --- Change requests ------------------------------------------------------------------------
class ChangeOut(Schema):
    id: int
    title: str
    team: str
    urgency: str
    added_items: int
    remaining_items: int | None
    status: str
    decision_id: int | None
    impact: dict[str, Any] | None = None


class ChangeIn(Schema):
    title: str
    team: str
    added_items: int
    description: str = ""
    urgency: ChangeRequest.Urgency = ChangeRequest.Urgency.NORMAL
    requested_by_id: int | None = None
    remaining_items: int | None = None
    throughput_samples: str = ""
    domains: list[str] = []


class ResolveIn(Schema):
    outcome: str
    rationale: str = ""


def _change_out(cr: ChangeRequest, impact: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": cr.pk,
        "title": cr.title,
        "team": cr.team.slug,
        "urgency": cr.urgency,
        "added_items": cr.added_items,
        "remaining_items": cr.remaining_items,
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
    cr = changes.create_change_request(
        access,
        title=payload.title,
        team=get_object_or_404(Team, workspace=ws, slug=payload.team),
        added_items=payload.added_items,
        description=payload.description,
        urgency=payload.urgency,
        requested_by=get_object_or_404(Person, workspace=ws, pk=payload.requested_by_id)
        if payload.requested_by_id
        else None,
        remaining_items=payload.remaining_items,
        throughput_samples=payload.throughput_samples,
        domains=domains,
        actor=request.user,
    )
    return Status(201, _change_out(cr, impact=True))


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
