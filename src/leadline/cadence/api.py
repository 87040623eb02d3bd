"""Cadence API: tiers with their next meetings, the calendar feed's address, packs built and
read in JSON, Markdown or PDF; under /workspaces/{workspace}/; the same services as the pages."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status
from pydantic import Field

from leadline.api_input import Id, Input, PlausibleDateTime
from leadline.workspaces.models import Person, Role
from leadline.workspaces.services import access_for, team_by_slug

from . import calendar, packs, services
from .results import CadenceCalendarOut, CadencePackOut, CadenceTierOut

router = Router(tags=["cadence"])
WS = "/workspaces/{workspace}"

TierKind = Literal["team", "stakeholder", "milestone", "steering"]


class CadenceAudienceIn(Input):
    people: Annotated[list[Id], Field(max_length=500, description="Person ids.")] = []
    teams: Annotated[
        list[Annotated[str, Field(max_length=64)]], Field(max_length=200, description="Team slugs.")
    ] = []


class CadenceTierIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    tier: TierKind
    rrule: Annotated[
        str,
        Field(
            min_length=1, max_length=300, description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO."
        ),
    ]
    dtstart: Annotated[
        PlausibleDateTime, Field(description="The first meeting, local date-time without offset.")
    ]
    timezone: Annotated[str, Field(min_length=1, max_length=64, description="IANA time zone.")]
    duration_minutes: Annotated[int, Field(ge=services.DURATION.low, le=services.DURATION.high)] = (
        60
    )
    audience: CadenceAudienceIn | None = None


class CadencePackIn(Input):
    team: Annotated[
        str | None, Field(max_length=64, description="A team slug (default: the tier's).")
    ] = None
    as_of: Annotated[
        PlausibleDateTime | None,
        Field(description="Data as of, ISO 8601 (default: now; not in the future)."),
    ] = None


@router.get(WS + "/cadences", response=list[CadenceTierOut])
def list_cadences(request: HttpRequest, workspace: str) -> Any:
    """The tiers, each with its next five meeting starts (ISO 8601 with offset)."""
    access = access_for(request.user, workspace)
    now = timezone.now()
    return [services.tier_out(t, now) for t in services.tiers(access.workspace)]


@router.post(WS + "/cadences", response={201: CadenceTierOut})
def create_cadence(request: HttpRequest, workspace: str, body: CadenceTierIn) -> Any:
    """Add a tier (lead role); the audience is optional and can be set later."""
    access = access_for(request.user, workspace, Role.LEAD)
    tier = services.create_tier(
        access, request.user, name=body.name, kind=body.tier, rrule=body.rrule,
        dtstart=body.dtstart, tz=body.timezone, duration_minutes=body.duration_minutes,
        audience=body.audience.model_dump() if body.audience else None,
    )  # fmt: skip
    return Status(201, services.tier_out(tier, timezone.now()))


@router.post(WS + "/cadences/standard", response={201: list[CadenceTierOut]})
def set_up_standard_cadences(request: HttpRequest, workspace: str) -> Any:
    """Add the standard tiers the workspace has none of that kind for (owner role): weekly team
    status, biweekly stakeholder check-in, monthly milestone review, steering committee. Answers
    the tiers added (none when every kind is there)."""
    access = access_for(request.user, workspace, Role.OWNER)
    now = timezone.now()
    added = services.set_up_standard_tiers(access, request.user)
    return Status(201, [services.tier_out(t, now) for t in added])


@router.get(WS + "/calendar", response=CadenceCalendarOut)
def calendar_url(request: HttpRequest, workspace: str, person: Id | None = None) -> Any:
    """The secret ICS feed's address (answers without signing in): the workspace's, or with
    ``person`` that person's (yours, or anyone's for a lead)."""
    access = access_for(request.user, workspace)
    who = None
    if person is not None:
        who = Person.objects.filter(workspace=access.workspace, pk=person).first()
        if who is None:
            from django.http import Http404

            raise Http404("No such person")
    return {"url": calendar.feed_url(calendar.feed_for(access, who, request.user))}


@router.post(WS + "/calendar/revoke", response=CadenceCalendarOut)
def revoke_calendar(request: HttpRequest, workspace: str, person: Id | None = None) -> Any:
    """Revoke the feed and answer the new address (lead role; anyone for their own)."""
    access = access_for(request.user, workspace)
    who = Person.objects.filter(workspace=access.workspace, pk=person).first() if person else None
    return {"url": calendar.feed_url(calendar.revoke(access, who, request.user))}


@router.post(WS + "/cadences/{pk}/packs", response={201: CadencePackOut})
def create_pack(
    request: HttpRequest, workspace: str, pk: Id, body: CadencePackIn | None = None
) -> Any:
    """Build a pack for the tier's latest meeting from live data (lead role), frozen with the
    changes since the previous pack of the same tier."""
    access = access_for(request.user, workspace, Role.LEAD)
    tier = services.tier_in(access.workspace, pk)
    body = body or CadencePackIn()
    team = team_by_slug(access.workspace, body.team) if body.team else None
    pack = packs.generate(access, tier, request.user, team=team, as_of=body.as_of)
    return Status(201, packs.pack_out(pack))


@router.get(WS + "/packs/{pk}", response=CadencePackOut)
def get_pack(
    request: HttpRequest, workspace: str, pk: Id, format: Literal["json", "md", "pdf"] = "json"
) -> Any:
    """A pack as JSON (default), Markdown (``format=md``) or PDF (``format=pdf``)."""
    access = access_for(request.user, workspace)
    pack = packs.pack_in(access.workspace, pk)
    if format == "md":
        return HttpResponse(packs.markdown(pack), content_type="text/markdown; charset=utf-8")
    if format == "pdf":
        return HttpResponse(packs.pdf(pack), content_type="application/pdf")
    return packs.pack_out(pack)
