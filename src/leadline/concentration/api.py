"""Concentration API: the same services as the pages, under /workspaces/{workspace}/concentration."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router
from pydantic import Field

from leadline.api_input import Id
from leadline.workspaces.models import Person, Role
from leadline.workspaces.services import access_for, audit

from . import reviews, services, workload
from .results import ConcentrationLeavesOut, ConcentrationOut

router = Router(tags=["concentration"])
WS = "/workspaces/{workspace}/concentration"
LOW, HIGH, DEFAULT = workload.FINISH_SHARE
R_LOW, R_HIGH, R_DEFAULT = reviews.REVIEW_SHARE


@router.get(WS, response=ConcentrationOut)
def get_concentration(
    request: HttpRequest,
    workspace: str,
    share: Annotated[
        int, Query(ge=LOW, le=HIGH, description="Share (%) from which one finisher shows.")
    ] = DEFAULT,
    review_share: Annotated[
        int, Query(ge=R_LOW, le=R_HIGH, description="Share (%) from which one reviewer shows.")
    ] = R_DEFAULT,
) -> Any:
    """Truck factors per repository and area (people still here), one-person finishers in the
    tracker, areas whose changes one person reviews, and the teams' out-of-hours share (teams
    of at least k people only)."""
    access = access_for(request.user, workspace)
    return services.overview(
        access.workspace, timezone.now(), share=share, review_share=review_share
    )


@router.post(WS + "/refresh", response=ConcentrationOut)
def refresh_concentration(request: HttpRequest, workspace: str) -> Any:
    """Recompute from the git connections and stored commits (lead)."""
    access = access_for(request.user, workspace, Role.LEAD)
    now = timezone.now()
    problems = services.refresh(access.workspace, now)
    audit(access.workspace, request.user, "concentration.refresh", access.workspace,
          "Recomputed key-person concentration")  # fmt: skip
    return services.overview(access.workspace, now, problems=problems)


@router.get(WS + "/leaves/{person}", response=ConcentrationLeavesOut)
def if_person_leaves(
    request: HttpRequest, workspace: str,
    person: Annotated[Id, Field(description="A person of the workspace (id).")],
) -> Any:  # fmt: skip
    """If this person left: areas losing authors or their last author, with epics and forecasts."""
    access = access_for(request.user, workspace)
    found = Person.objects.filter(workspace=access.workspace, pk=person).first()
    if found is None:
        raise Http404("No such person")
    return services.if_leaves(access.workspace, timezone.now(), found)
