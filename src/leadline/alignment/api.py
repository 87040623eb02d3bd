"""Alignment-check API: create and send a check, answer by link (no account), read results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from leadline.api_input import Id, Input, PlausibleDateTime, in_workspace
from leadline.workspaces import links
from leadline.workspaces.models import Person, Role, Team
from leadline.workspaces.services import access_for

from . import services as alignment
from .models import AlignmentCheck
from .notices import send_invitations
from .results import CheckResults, results_for
from .rounds import second_round
from .series import SeriesTrend, get_series, repeat, stop, trend

router = Router(tags=["alignment"])
WS = "/workspaces/{workspace}"

KindName = Literal[
    "success_criteria", "scope", "priorities", "metrics", "who_decides", "likert", "text"
]


class AlignmentWorkItemIn(Input):
    """An item picked from the workspace's work items or epics, by its key."""

    work_item: Annotated[str, Field(min_length=1, max_length=200)]


class AlignmentQuestionIn(Input):
    kind: KindName
    text: Annotated[str, Field(min_length=1, max_length=500)]
    items: Annotated[
        list[Annotated[str, Field(max_length=200)] | AlignmentWorkItemIn], Field(max_length=30)
    ] = []
    domain: Annotated[str, Field(max_length=120)] = ""


class AudienceIn(Input):
    people: Annotated[list[Id], Field(max_length=200)] = []
    stakeholders: Annotated[list[Id], Field(max_length=200)] = []


class CheckIn(Input):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    team: Annotated[str, Field(max_length=100)] | None = None
    closes_at: PlausibleDateTime | None = None
    consensus: Annotated[int, Field(ge=50, le=100)] = 75
    questions: Annotated[list[AlignmentQuestionIn], Field(min_length=1, max_length=20)]
    audience: AudienceIn


class AlignmentItemRefOut(Schema):
    """The work item or epic a listed item stands for; ``url`` is its tracker page or ""."""

    key: str
    type: str
    url: str


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    items: list[str]
    domain: str
    item_refs: dict[str, AlignmentItemRefOut] = {}


def _question_out(q: Any) -> dict[str, Any]:
    return {
        "id": q.pk,
        "kind": q.kind,
        "text": q.text,
        "items": q.items,
        "domain": q.domain,
        "item_refs": q.refs,
    }


class RespondentRef(Schema):
    kind: str
    id: int
    name: str


class AlignmentLinkOut(Schema):
    respondent: RespondentRef
    url: str
    token: str


class AlignmentCheckOut(Schema):
    id: int
    title: str
    team: str | None
    closes_at: datetime
    closed: bool
    results_shown: bool
    consensus: int
    round: int
    previous: int | None
    series: int | None
    invited: int
    answered: int
    answered_names: list[str]
    waiting_names: list[str]
    questions: list[QuestionOut]
    links: list[AlignmentLinkOut] = []


def _check_out(
    check: AlignmentCheck, issued: list[alignment.IssuedLink] | None = None
) -> dict[str, Any]:
    progress = alignment.progress(check)
    return {
        "id": check.pk,
        "title": check.title,
        "team": check.team.slug if check.team else None,
        "closes_at": check.closes_at,
        "closed": check.closed_at is not None,
        "results_shown": alignment.results_visible(check),
        "consensus": check.consensus,
        "round": check.round,
        "previous": check.previous_id,
        "series": check.series_id,
        **progress,
        "questions": [_question_out(q) for q in check.questions.all()],
        "links": [
            {
                "respondent": {
                    "kind": "person"
                    if i.respondent.person.kind == Person.Kind.MEMBER
                    else "stakeholder",
                    "id": i.respondent.person.pk,
                    "name": i.respondent.person.name,
                },
                "url": i.url,
                "token": i.token,
            }
            for i in issued or []
        ],
    }


@router.get(WS + "/alignment-checks", response=list[AlignmentCheckOut])
def list_checks(request: HttpRequest, workspace: str) -> list[dict[str, Any]]:
    """List the workspace's alignment checks: who has answered (names only), never what."""
    access = access_for(request.user, workspace)
    return [_check_out(c) for c in AlignmentCheck.objects.filter(workspace=access.workspace)]


@router.post(WS + "/alignment-checks", response={201: AlignmentCheckOut})
def create_check(request: HttpRequest, workspace: str, payload: CheckIn) -> Status[dict[str, Any]]:
    """Create and send a check (lead role): each person of the audience gets a personal link,
    returned here once (and to people with an account, in their notifications)."""
    access = access_for(request.user, workspace, Role.LEAD)
    team = in_workspace(Team, access.workspace, "team", slug=payload.team) if payload.team else None
    ids = [*payload.audience.people, *payload.audience.stakeholders]
    people = list(Person.objects.filter(workspace=access.workspace, pk__in=ids))
    missing = set(ids) - {p.pk for p in people}
    if missing:
        raise ValidationError({"audience": f"No person {min(missing)} in this workspace."})
    check, issued = alignment.create_check(
        access,
        payload.title,
        [q.model_dump() for q in payload.questions],  # type: ignore[misc]
        people,
        team=team,
        closes_at=payload.closes_at,
        consensus=payload.consensus,
        actor=request.user,
    )
    send_invitations(check, issued, timezone.now())
    return Status(201, _check_out(check, issued))


@router.get(WS + "/alignment-checks/{check_id}", response=AlignmentCheckOut)
def get_check(request: HttpRequest, workspace: str, check_id: int) -> dict[str, Any]:
    """One check: its questions and who has answered."""
    access = access_for(request.user, workspace)
    return _check_out(alignment.get_check(access, check_id))


@router.post(WS + "/alignment-checks/{check_id}/close", response=AlignmentCheckOut)
def close_check(request: HttpRequest, workspace: str, check_id: int) -> dict[str, Any]:
    """Close the check now (lead role): links stop working and the results are shown."""
    access = access_for(request.user, workspace, Role.LEAD)
    check = alignment.close_check(access, alignment.get_check(access, check_id), actor=request.user)
    return _check_out(check)


@router.post(WS + "/alignment-checks/{check_id}/show", response=AlignmentCheckOut)
def show_results(request: HttpRequest, workspace: str, check_id: int) -> dict[str, Any]:
    """Show the results to the workspace before the check closes (lead role)."""
    access = access_for(request.user, workspace, Role.LEAD)
    check = alignment.show_results(access, alignment.get_check(access, check_id), request.user)
    return _check_out(check)


class RoundIn(Input):
    closes_at: PlausibleDateTime | None = None


@router.post(WS + "/alignment-checks/{check_id}/second-round", response={201: AlignmentCheckOut})
def start_second_round(
    request: HttpRequest, workspace: str, check_id: int, payload: RoundIn
) -> Status[dict[str, Any]]:
    """Re-ask the contested questions of a check whose results are shown (lead role), to the
    same people, each question showing the previous round's answers without names."""
    access = access_for(request.user, workspace, Role.LEAD)
    check = alignment.get_check(access, check_id)
    nxt, issued = second_round(access, check, closes_at=payload.closes_at, actor=request.user)
    send_invitations(nxt, issued, timezone.now())
    return Status(201, _check_out(nxt, issued))


@router.get(WS + "/alignment-checks/{check_id}/results", response=CheckResults)
def results(request: HttpRequest, workspace: str, check_id: int) -> CheckResults:
    """Per question: answers by value and group, its measure of disagreement, what is contested
    and any mismatch with the decision-rights framework. 403 while the results are hidden."""
    access = access_for(request.user, workspace)
    check = alignment.get_check(access, check_id)
    if not alignment.results_visible(check):
        raise PermissionDenied(
            "The results are hidden until a lead shows them or the check closes."
        )
    return results_for(check)


class AlignmentAnswerIn(Input):
    question: Id
    value: Any = None


class ResponseIn(Input):
    answers: Annotated[list[AlignmentAnswerIn], Field(max_length=20)]
    named: bool = False


class ResponseOut(Schema):
    check: str
    closes_at: datetime
    submitted_at: datetime | None
    questions: list[QuestionOut]
    answers: dict[int, Any]


def _response_out(r: Any) -> dict[str, Any]:
    check = r.alignment_check
    return {
        "check": check.title,
        "closes_at": check.closes_at,
        "submitted_at": r.submitted_at,
        "questions": [_question_out(q) for q in check.questions.all()],
        "answers": {a.question_id: a.value for a in r.answers.all()},
    }


def _respondent(token: str) -> Any:
    try:
        return alignment.resolve_token(token)
    except links.LinkRefused as refused:
        if refused.reason == "unknown":
            raise Http404("This link does not open: it is incomplete or was replaced.") from None
        raise HttpError(
            410, f"This link is {refused.reason}: ask {links.whom_to_ask(refused)} for a new one."
        ) from None


class AlignmentGoneOut(Schema):
    """A link that existed but expired (its check closed) or was withdrawn."""

    detail: str


GONE = {200: ResponseOut, 410: AlignmentGoneOut}


@router.get("/alignment/responses/{token}", response=GONE, auth=None)
def read_response(request: HttpRequest, token: str) -> dict[str, Any]:
    """The link's check and its holder's own answers (no account: the token is the access)."""
    respondent = _respondent(token)
    assert respondent.link is not None
    links.record_use(respondent.link, "open", f"alignment check {respondent.alignment_check}")
    return _response_out(respondent)


@router.post("/alignment/responses/{token}", response=GONE, auth=None)
def answer(request: HttpRequest, token: str, payload: ResponseIn) -> dict[str, Any]:
    """Answer (or change the answers) through a personal link until the check closes; a
    tampered, expired or replaced link is a 404 saying so."""
    respondent = _respondent(token)
    alignment.submit(
        respondent, {a.question: a.value for a in payload.answers}, named=payload.named
    )
    assert respondent.link is not None
    links.record_use(respondent.link, "submit", f"answered {respondent.alignment_check}")
    return _response_out(respondent)


class RepeatIn(Input):
    every_weeks: Annotated[int, Field(ge=1, le=26)] | None = None
    dates: Annotated[list[date], Field(max_length=12)] = []
    open_days: Annotated[int, Field(ge=1, le=366)] | None = None


@router.post(WS + "/alignment-checks/{check_id}/repeat", response=SeriesTrend)
def repeat_check(
    request: HttpRequest, workspace: str, check_id: int, payload: RepeatIn
) -> SeriesTrend:
    """Repeat a check on a schedule (lead role): every N weeks, or on a list of dates. Each
    repeat is a new check in the same series, with the same questions and audience and new
    links; returns the series with its trend."""
    access = access_for(request.user, workspace, Role.LEAD)
    check = alignment.get_check(access, check_id)
    series = repeat(
        access,
        check,
        every_weeks=payload.every_weeks,
        dates=payload.dates,
        open_days=payload.open_days,
        actor=request.user,
    )
    return trend(series)


@router.get(WS + "/alignment-series/{series_id}", response=SeriesTrend)
def series_trend(request: HttpRequest, workspace: str, series_id: int) -> SeriesTrend:
    """A repeating check's trend: per question its measure in each repeat, and whether the
    agreement drifted (fell) or converged between the last two shown repeats."""
    access = access_for(request.user, workspace)
    return trend(get_series(access, series_id))


@router.post(WS + "/alignment-series/{series_id}/stop", response=SeriesTrend)
def stop_series(request: HttpRequest, workspace: str, series_id: int) -> SeriesTrend:
    """Stop sending repeats (lead role); the checks sent so far stay."""
    access = access_for(request.user, workspace, Role.LEAD)
    return trend(stop(access, get_series(access, series_id), actor=request.user))
