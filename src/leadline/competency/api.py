"""Competency API under /workspaces/{workspace}/competency: the model, your own assessments
(never anyone else's unless shared with you), ratings, sharing, raters and the plan; the same
services as the pages."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from pydantic import Field, StrictInt

from leadline.api_input import Id, Input, PlausibleDate, text

from . import evidence, plan, services
from .models import MAX_EVIDENCE, Assessment, Goal
from .results import (
    CompetencyAssessmentOut,
    CompetencyEvidenceOut,
    CompetencyGoalOut,
    CompetencyHistoryOut,
    CompetencyModelOut,
    CompetencyRequestOut,
)

router = Router(tags=["competency"])
WS = "/workspaces/{workspace}/competency"
Username = Annotated[str, Field(min_length=1, max_length=150, description="A member's username.")]
Key = Annotated[str, Field(min_length=1, max_length=64, description="A competency key.")]


class CompetencyStartIn(Input):
    title: Annotated[str, text(Assessment, "title")] = ""


class CompetencyRatingIn(Input):
    competency: Key
    level: Annotated[StrictInt | None, Field(description="1 to 5; null: not rated.")] = None
    evidence: Annotated[str, Field(max_length=MAX_EVIDENCE)] = ""


class CompetencyRatingsIn(Input):
    ratings: Annotated[list[CompetencyRatingIn], Field(max_length=200)]


class CompetencyShareIn(Input):
    user: Username


class CompetencyRatersIn(Input):
    raters: Annotated[list[Username], Field(min_length=1, max_length=services.MAX_RATERS)]


class CompetencyFeedbackIn(Input):
    scores: Annotated[
        dict[Key, StrictInt | None],
        Field(
            max_length=200,
            description="{competency key: level 1-5}; leave out what you have not seen.",
        ),
    ]


class CompetencyGoalIn(Input):
    competency: Key
    text: Annotated[str, text(Goal, "text")]
    review_on: PlausibleDate


class CompetencyGoalPatch(Input):
    done: bool | None = None
    review_on: PlausibleDate | None = None


class CompetencyEditIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=300)]
    summary: Annotated[str, Field(max_length=300)] = ""
    levels: Annotated[list[Annotated[str, Field(min_length=1, max_length=300)]],
                      Field(min_length=5, max_length=5, description="Levels 1 to 5, in order.")]  # fmt: skip
    note: Annotated[str, Field(max_length=300)] = ""


def _access(request: HttpRequest, workspace: str) -> Any:
    from leadline.workspaces.services import access_for

    return access_for(request.user, workspace)


@router.get(WS + "/model", response=CompetencyModelOut)
def get_model(request: HttpRequest, workspace: str) -> Any:
    """The workspace's current competency model (cornerstones, competencies, five levels)."""
    return services.model_out(services.current_model(_access(request, workspace).workspace))


@router.put(WS + "/model/{key}", response=CompetencyModelOut)
def edit_model(request: HttpRequest, workspace: str, key: str, body: CompetencyEditIn) -> Any:
    """Change one competency's wording (owner role); this makes a new model version."""
    access = _access(request, workspace)
    mv = services.edit_competency(access, request.user, key, name=body.name, summary=body.summary,
                                  levels=body.levels, note=body.note)  # fmt: skip
    return services.model_out(mv)


@router.get(WS + "/assessments", response=list[CompetencyHistoryOut])
def list_mine(request: HttpRequest, workspace: str) -> Any:
    """Your own assessments, newest first (nobody else's)."""
    return services.history(_access(request, workspace), request.user)


@router.post(WS + "/assessments", response={201: CompetencyAssessmentOut})
def start(request: HttpRequest, workspace: str, body: CompetencyStartIn) -> Any:
    """Start a self-assessment against the current model (member role)."""
    access = _access(request, workspace)
    a = services.start(access, request.user, title=body.title)
    return Status(201, services.assessment_out(access, request.user, a))


@router.get(WS + "/shared-with-me", response=list[CompetencyHistoryOut])
def shared(request: HttpRequest, workspace: str) -> Any:
    """Assessments their owners chose to share with you."""
    return services.shared_with_me(_access(request, workspace), request.user)


@router.get(WS + "/requests", response=list[CompetencyRequestOut])
def requests(request: HttpRequest, workspace: str) -> Any:
    """Assessments you were asked to rate and have not rated yet."""
    return services.requests_for(_access(request, workspace), request.user)


@router.get(WS + "/assessments/{pk}", response=CompetencyAssessmentOut)
def get_assessment(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """One assessment: yours, or one shared with you; any other is 404."""
    access = _access(request, workspace)
    return services.assessment_out(
        access, request.user, services.readable(access, request.user, pk)
    )


@router.get(WS + "/assessments/{pk}/evidence", response=list[CompetencyEvidenceOut])
def get_evidence(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """Evidence prompts from your own data (only for your own assessment)."""
    access = _access(request, workspace)
    a = services.readable(access, request.user, pk)
    if a.user_id != request.user.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Evidence prompts are for the person's own assessment.")
    return evidence.evidence_for(access.workspace, request.user, timezone.localdate())


@router.put(WS + "/assessments/{pk}/ratings", response=CompetencyAssessmentOut)
def put_ratings(request: HttpRequest, workspace: str, pk: Id, body: CompetencyRatingsIn) -> Any:
    """Save self-ratings with evidence (yours only); competencies left out keep their rating."""
    access = _access(request, workspace)
    a = services.readable(access, request.user, pk)
    services.rate(access, request.user, a, [r.model_dump() for r in body.ratings])
    return services.assessment_out(access, request.user, a)


@router.post(WS + "/assessments/{pk}/shares", response={201: CompetencyAssessmentOut})
def add_share(request: HttpRequest, workspace: str, pk: Id, body: CompetencyShareIn) -> Any:
    """Let a member read your assessment."""
    access = _access(request, workspace)
    a = services.readable(access, request.user, pk)
    services.share(access, request.user, a, body.user)
    return Status(201, services.assessment_out(access, request.user, a))


@router.delete(WS + "/assessments/{pk}/shares/{username}", response=CompetencyAssessmentOut)
def remove_share(request: HttpRequest, workspace: str, pk: Id, username: str) -> Any:
    """Stop sharing your assessment with a member."""
    access = _access(request, workspace)
    a = services.readable(access, request.user, pk)
    services.unshare(access, request.user, a, username)
    return services.assessment_out(access, request.user, a)


@router.post(WS + "/assessments/{pk}/raters", response={201: CompetencyAssessmentOut})
def add_raters(request: HttpRequest, workspace: str, pk: Id, body: CompetencyRatersIn) -> Any:
    """Ask members for feedback; their levels show only as a mean, from three raters."""
    access = _access(request, workspace)
    a = services.readable(access, request.user, pk)
    services.invite(access, request.user, a, body.raters)
    return Status(201, services.assessment_out(access, request.user, a))


@router.post(WS + "/assessments/{pk}/feedback", response={204: None})
def give_feedback(request: HttpRequest, workspace: str, pk: Id, body: CompetencyFeedbackIn) -> Any:
    """Give your feedback as a rater you were asked to be (once); stored without your name."""
    access = _access(request, workspace)
    services.answer(access, request.user, pk, dict(body.scores))
    return Status(204, None)


@router.post(WS + "/assessments/{pk}/goals", response={201: CompetencyGoalOut})
def add_goal(request: HttpRequest, workspace: str, pk: Id, body: CompetencyGoalIn) -> Any:
    """Add a development goal (at most three open goals)."""
    access = _access(request, workspace)
    a = services.readable(access, request.user, pk)
    goal = plan.add_goal(access, request.user, a, competency=body.competency, text=body.text,
                             review_on=body.review_on)  # fmt: skip
    return Status(201, services.goal_out(goal, _names(a)))


@router.patch(WS + "/assessments/{pk}/goals/{goal}", response=CompetencyGoalOut)
def patch_goal(request: HttpRequest, workspace: str, pk: Id, goal: Id,
               body: CompetencyGoalPatch) -> Any:  # fmt: skip
    """Mark a goal done (or open) or move its review date."""
    access = _access(request, workspace)
    a = services.readable(access, request.user, pk)
    if body.done is None and body.review_on is None:
        raise ValidationError({"done": ["Give done or review_on."]})
    g = plan.update_goal(access, request.user, a, goal, done=body.done, review_on=body.review_on)
    return services.goal_out(g, _names(a))


@router.delete(WS + "/assessments/{pk}/goals/{goal}", response={204: None})
def delete_goal(request: HttpRequest, workspace: str, pk: Id, goal: Id) -> Any:
    """Remove a goal from the plan."""
    access = _access(request, workspace)
    plan.remove_goal(access, request.user, services.readable(access, request.user, pk), goal)
    return Status(204, None)


def _names(a: Assessment) -> dict[str, str]:
    from .catalog import competencies

    return {k: c["name"] for k, (_, c) in competencies(a.model.data).items()}
