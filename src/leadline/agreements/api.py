"""Working agreements API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Schema, Status

from leadline.agreements.models import SECTIONS, AgreementVersion, WorkingAgreement
from leadline.api_input import Input, in_workspace, text
from leadline.governance.api import WS, GovernanceRouter
from leadline.workspaces.models import Role, Team
from leadline.workspaces.services import access_for

from . import services as agreements

router = GovernanceRouter("agreements")


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


Section = Literal[
    "channels", "cadence", "norms", "decision_paths", "escalation_routes", "definition_of_done"
]


class AgreementIn(Input):
    team: Annotated[str, text(Team, "slug")]
    scope: WorkingAgreement.Scope = WorkingAgreement.Scope.TEAM
    sections: dict[Section, str] = {}
    note: Annotated[str, text(AgreementVersion, "note")] = ""


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
    team = in_workspace(Team, access.workspace, "team", slug=payload.team)
    a = agreements.get_or_create_agreement(access, team, payload.scope, actor=request.user)
    sections: dict[str, str] = {str(k): v for k, v in payload.sections.items()}
    agreements.save_version(access, a, sections, note=payload.note, actor=request.user)
    return Status(201, _agreement_out(a))


@router.post(WS + "/agreements/{agreement_id}/acknowledge", response=AgreementOut)
def acknowledge(request: HttpRequest, workspace: str, agreement_id: int) -> dict[str, Any]:
    """Acknowledge the latest version as the caller's own Person record."""
    access = access_for(request.user, workspace)
    a = get_object_or_404(WorkingAgreement, workspace=access.workspace, pk=agreement_id)
    person = agreements.person_for_user(access.workspace, request.user)
    if person is None:
        raise ValidationError({"person": "Your account is not linked to a person here."})
    agreements.acknowledge(a, person)
    return _agreement_out(a)
