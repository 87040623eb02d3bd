"""Checked agreement clauses API: each linked clause kept or broken with its evidence."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from leadline.agreements.models import WorkingAgreement
from leadline.api_input import Input
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access, access_for

from . import registry
from . import services as clauses
from .services import ClauseResult

router = Router(tags=["agreements"])
WS = "/workspaces/{workspace}"


class ClauseKindOut(Schema):
    key: str
    label: str = Field(description='With N for the number: "Decisions within N hours".')
    unit: str
    default: float
    low: float
    high: float
    example: str


class ClauseIn(Input):
    section: Annotated[str, Field(max_length=32)]
    clause: Annotated[str, Field(min_length=3, max_length=300)]
    kind: Annotated[str, Field(max_length=64)]
    limit: Annotated[float, Field(ge=0, le=1_000_000)] | None = None
    window_days: Annotated[int, Field(ge=7, le=365)] = 28


def _agreement(access: Access, pk: int) -> WorkingAgreement:
    a = WorkingAgreement.objects.filter(workspace=access.workspace, pk=pk).first()
    if a is None:
        raise Http404("No such agreement")
    return a


@router.get(WS + "/clause-kinds", response=list[ClauseKindOut])
def clause_kinds(request: HttpRequest, workspace: str) -> list[dict[str, object]]:
    """The checks a clause can be linked to (apps may add their own)."""
    access_for(request.user, workspace)
    return [
        {"key": k.key, "label": k.label, "unit": k.unit, "default": k.default, "low": k.low,
         "high": k.high, "example": k.example}
        for k in registry.kinds()
    ]  # fmt: skip


@router.get(WS + "/agreements/{agreement_id}/clauses", response=list[ClauseResult])
def list_clauses(request: HttpRequest, workspace: str, agreement_id: int) -> list[ClauseResult]:
    """Each checked clause of an agreement: kept, broken or no data, with the evidence."""
    access = access_for(request.user, workspace)
    a = _agreement(access, agreement_id)
    return clauses.clauses_of(a)


@router.post(WS + "/agreements/{agreement_id}/clauses", response={201: ClauseResult})
def link_clause(
    request: HttpRequest, workspace: str, agreement_id: int, payload: ClauseIn
) -> Status[ClauseResult]:
    """Check a clause of the agreement's latest version against the data (member role)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    a = _agreement(access, agreement_id)
    check = clauses.link_clause(access, a, actor=request.user, **payload.model_dump())
    return Status(201, clauses.judge(check))


@router.delete(WS + "/agreements/{agreement_id}/clauses/{clause_id}", response={204: None})
def remove_clause(
    request: HttpRequest, workspace: str, agreement_id: int, clause_id: int
) -> Status[None]:
    """Stop checking a clause (member role)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    a = _agreement(access, agreement_id)
    clauses.remove_clause(access, a, clause_id, request.user)
    return Status(204, None)
