"""Pulse API: start a pulse, answer through a personal link, read results (k enforced)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status
from pydantic import Field, StrictInt, StrictStr

from leadline.api_input import Id, Input
from leadline.workspaces.models import Role
from leadline.workspaces.services import access_for

from . import reports, services
from .models import MAX_K, MIN_K
from .results import PulseCreated, PulsePortfolio, PulseSummary, Results, SubmitOut

router = Router(tags=["pulse"])
WS = "/workspaces/{workspace}"


class PulseQuestionIn(Input):
    text: Annotated[str, Field(min_length=1, max_length=services.MAX_QUESTION)]
    reverse: Annotated[bool, Field(description="Negatively worded: reverse-scored.")] = False


class PulseIn(Input):
    team: Annotated[str, Field(description="The team's slug.", max_length=64)]
    template: Annotated[
        Literal["psychological-safety", "health-check", "custom"],
        Field(description="A built-in template, or custom with ``questions``."),
    ]
    questions: Annotated[
        list[
            PulseQuestionIn | Annotated[str, Field(min_length=1, max_length=services.MAX_QUESTION)]
        ]
        | None,
        Field(max_length=services.MAX_QUESTIONS, description="custom: the questions."),
    ] = None
    scale: Literal["agree5", "agree7"] = "agree5"
    title: Annotated[str, Field(max_length=200)] = ""
    schedule: Literal["once", "weekly", "fortnightly", "monthly"] = "fortnightly"
    open_days: Annotated[int, Field(ge=services.OPEN_DAYS[0], le=services.OPEN_DAYS[1])] = 5
    closes_at: Annotated[
        dt.datetime | None, Field(description="When the first round closes (default: open_days).")
    ] = None


class PulseAnswerIn(Input):
    answers: Annotated[
        dict[Annotated[str, Field(max_length=64)], StrictInt | StrictStr],
        Field(
            max_length=100, description="{item key: 1..A, or red/amber/green, worse/same/better}"
        ),
    ]
    comment: Annotated[str, Field(max_length=services.MAX_COMMENT)] = ""


class SettingsIn(Input):
    min_group_size: Annotated[int, Field(ge=MIN_K, le=MAX_K)]


class SettingsOut(Input):
    min_group_size: int


class PulseGoneOut(Input):
    detail: Annotated[str, Field(description="The round has closed: its links expired with it.")]


@router.post(WS + "/pulses", response={201: PulseCreated})
def create_pulse(request: HttpRequest, workspace: str, body: PulseIn) -> Any:
    """Start a pulse for a team (lead role) and its first round: the items in the template's
    order and one personal link per member, in random order and without names."""
    from leadline.api_input import in_workspace
    from leadline.workspaces.models import Team

    access = access_for(request.user, workspace, Role.LEAD)
    team = in_workspace(Team, access.workspace, "team", slug=body.team)
    questions = [
        q.model_dump() if isinstance(q, PulseQuestionIn) else q for q in body.questions or []
    ]
    created = services.create_pulse(
        access, team, body.template, questions=questions, scale=body.scale, title=body.title,
        schedule=body.schedule, open_days=body.open_days, closes_at=body.closes_at,
        actor=request.user,
    )  # fmt: skip
    return Status(201, created)


@router.get(WS + "/pulses", response=list[PulseSummary])
def list_pulses(request: HttpRequest, workspace: str) -> Any:
    """Every pulse with its trend: each round's respondents and, where k allows, its 0-1 score."""
    access = access_for(request.user, workspace)
    return reports.summaries(access.workspace, timezone.now())


@router.get(WS + "/pulses/{pk}/results", response=Results, exclude_unset=True)
def results(request: HttpRequest, workspace: str, pk: Id, round: int | None = None) -> Any:
    """A round's results (default: the latest closed round). Below k, after a change of fewer
    than k respondents, or while open: ``suppressed`` and no figure but the respondent count."""
    access = access_for(request.user, workspace)
    pulse = services.pulse_in(access.workspace, pk)
    return reports.results(access.workspace, pulse, timezone.now(), round)


@router.get(WS + "/pulses/{pk}/results.csv")
def results_csv(request: HttpRequest, workspace: str, pk: Id) -> HttpResponse:
    """Every round's results as CSV; suppressed rounds have their count and no figure."""
    access = access_for(request.user, workspace)
    pulse = services.pulse_in(access.workspace, pk)
    return HttpResponse(reports.results_csv(access.workspace, pulse, timezone.now()),
                        content_type="text/csv; charset=utf-8")  # fmt: skip


@router.get(WS + "/pulse-portfolio", response=PulsePortfolio, exclude_unset=True)
def portfolio(request: HttpRequest, workspace: str, template: str = "psychological-safety") -> Any:
    """Each team's latest closed round and the figure across the teams that k lets through."""
    access = access_for(request.user, workspace)
    return reports.portfolio(access.workspace, template, timezone.now())


@router.put(WS + "/pulse-settings", response=SettingsOut)
def change_settings(request: HttpRequest, workspace: str, body: SettingsIn) -> Any:
    """Set the minimum group size k (lead role), 3 to 10."""
    access = access_for(request.user, workspace, Role.LEAD)
    return {"min_group_size": services.set_min_group_size(access, body.min_group_size,
                                                          request.user)}  # fmt: skip


@router.post("/pulse/responses/{token}", response={201: SubmitOut, 410: PulseGoneOut}, auth=None)
def answer(request: HttpRequest, token: str, body: PulseAnswerIn) -> Any:
    """Answer a pulse through a personal link (no account): once, while the round is open.
    Nothing of the link or the person is stored with the answer."""
    try:
        return Status(201, services.submit(token[:200], body.answers, body.comment))
    except services.Refused as refused:
        from ninja.errors import HttpError

        status, text = {
            "used": (409, "This link has been used: each link answers once."),
            "closed": (410, "This round has closed."),
        }.get(refused.reason, (404, "No such link."))
        raise HttpError(status, text) from None
