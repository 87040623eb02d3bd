"""Radar API: the findings, running the rules, acting on a finding, the rules and their settings."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from pydantic import Field, StrictBool

from leadline.api_input import Id, Input
from leadline.workspaces.models import Role
from leadline.workspaces.services import access_for, team_by_slug

from . import services
from .results import FindingDetailOut, FindingList, RuleOut

router = Router(tags=["radar"])
WS = "/workspaces/{workspace}"


class DismissIn(Input):
    reason: Annotated[str, Field(min_length=1, max_length=services.MAX_REASON,
                                 description="Why it is dismissed (shown with it).")]  # fmt: skip


class FeedbackIn(Input):
    useful: Annotated[StrictBool, Field(description="Whether the finding was useful.")]


class RuleIn(Input):
    enabled: Annotated[StrictBool | None, Field(description="False mutes the rule here.")] = None
    thresholds: Annotated[
        dict[str, float] | None,
        Field(description="Thresholds to change, by key; a default value forgets the change."),
    ] = None


def _team(access: Any, slug: str | None) -> Any:
    if not slug:
        return None
    team = team_by_slug(access.workspace, slug)
    if team is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"team": [f"no team {slug!r} in this workspace"]})
    return team


@router.get(WS + "/radar", response=FindingList)
def list_findings(
    request: HttpRequest,
    workspace: str,
    status: str | None = None,
    team: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
) -> Any:
    """The Radar's findings, open first by severity. ``status``: open, acknowledged, resolved,
    dismissed or live (open and acknowledged); ``team`` a team slug; ``rule`` a rule key;
    ``severity`` high, medium or low."""
    access = access_for(request.user, workspace)
    return services.findings(access.workspace, status=status, team=_team(access, team),
                             rule=rule, severity=severity)  # fmt: skip


@router.post(WS + "/radar/run", response=FindingList)
def run_rules(request: HttpRequest, workspace: str) -> Any:
    """Run the rules now (member role) and return the findings that are open or acknowledged."""
    access = access_for(request.user, workspace, Role.MEMBER)
    services.run_now(access, timezone.now())
    return services.findings(access.workspace, status="live")


@router.get(WS + "/radar/rules", response=list[RuleOut])
def list_rules(request: HttpRequest, workspace: str) -> Any:
    """Every rule: key, title, why, thresholds in force, whether muted, usefulness rate."""
    access = access_for(request.user, workspace)
    return services.rules(access.workspace)


@router.patch(WS + "/radar/rules/{key}", response=RuleOut)
def change_rule(request: HttpRequest, workspace: str, key: str, body: RuleIn) -> Any:
    """Mute or unmute a rule and change its thresholds in this workspace (lead role)."""
    access = access_for(request.user, workspace, Role.LEAD)
    return services.set_rule(access, key, request.user, enabled=body.enabled,
                             thresholds=body.thresholds)  # fmt: skip


@router.get(WS + "/radar/{pk}", response=FindingDetailOut)
def get_finding(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """One finding with its full history."""
    access = access_for(request.user, workspace)
    return services.finding_detail(access.workspace, pk)


@router.post(WS + "/radar/{pk}/acknowledge", response=FindingDetailOut)
def acknowledge(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """Acknowledge an open finding (lead role)."""
    access = access_for(request.user, workspace, Role.LEAD)
    return services.act(access, pk, "acknowledge", request.user)


@router.post(WS + "/radar/{pk}/resolve", response=FindingDetailOut)
def resolve(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """Resolve a finding (lead role); it reopens when its condition holds again."""
    access = access_for(request.user, workspace, Role.LEAD)
    return services.act(access, pk, "resolve", request.user)


@router.post(WS + "/radar/{pk}/dismiss", response=FindingDetailOut)
def dismiss(request: HttpRequest, workspace: str, pk: Id, body: DismissIn) -> Any:
    """Dismiss a finding with a reason (lead role); it stays quiet unless its evidence worsens."""
    access = access_for(request.user, workspace, Role.LEAD)
    return services.act(access, pk, "dismiss", request.user, reason=body.reason)


@router.post(WS + "/radar/{pk}/feedback", response=FindingDetailOut)
def feedback(request: HttpRequest, workspace: str, pk: Id, body: FeedbackIn) -> Any:
    """Say whether a finding was useful (member role); your latest answer counts."""
    access = access_for(request.user, workspace, Role.MEMBER)
    return services.give_feedback(access, pk, request.user, body.useful)
