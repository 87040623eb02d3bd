"""The development plan of a self-assessment: at most three open goals, each a competency, what
to do and a review date. Only the assessment's owner changes it (through :func:`.services.owned`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from leadline import bounds
from leadline.workspaces.services import Access

from . import catalog
from .models import Assessment, Goal
from .services import owned

MAX_GOALS = 3  # open goals in a development plan
MAX_GOAL = Goal._meta.get_field("text").max_length or 300


def _review_problem(review_on: Any, today: date) -> str | None:
    if not isinstance(review_on, date):
        return "Give a review date (YYYY-MM-DD)."
    problem = bounds.date_problem(review_on, today)
    if problem:
        return problem
    if review_on < today:
        return f"{review_on.isoformat()} has passed; a review date is today or later."
    return None


@transaction.atomic
def add_goal(
    access: Access,
    user: Any,
    assessment: Assessment,
    *,
    competency: str,
    text: str,
    review_on: Any,
    now: datetime | None = None,
) -> Goal:
    """Add a goal to the plan (owner only): a competency, what to do, a review date; at most
    three open goals, so the plan stays one you can act on."""
    a = owned(access, user, assessment.pk)
    Assessment.objects.select_for_update().filter(pk=a.pk).first()  # one goal at a time
    today = timezone.localdate(now or timezone.now())
    if competency not in catalog.competencies(a.model.data):
        raise ValidationError({"competency": [f"No competency {competency!r} in the model."]})
    text = (text or "").strip()
    if not text or len(text) > MAX_GOAL:
        raise ValidationError({"text": [f"Say what you will do, in 1 to {MAX_GOAL} characters."]})
    problem = _review_problem(review_on, today)
    if problem:
        raise ValidationError({"review_on": [problem]})
    if a.goals.filter(done=False).count() >= MAX_GOALS:
        raise ValidationError({"goals": [
            f"A development plan has at most {MAX_GOALS} open goals; finish or remove one first."]})  # fmt: skip
    return Goal.objects.create(workspace=a.workspace, assessment=a, competency=competency,
                               text=text, review_on=review_on)  # fmt: skip


def _goal(a: Assessment, goal_id: int) -> Goal:
    goal = Goal.objects.filter(assessment=a, pk=goal_id).first()
    if goal is None:
        raise Http404("No such goal")
    return goal


@transaction.atomic
def update_goal(
    access: Access,
    user: Any,
    assessment: Assessment,
    goal_id: int,
    *,
    done: bool | None = None,
    review_on: Any = None,
    now: datetime | None = None,
) -> Goal:
    """Mark a goal done (or open again) or move its review date (owner only)."""
    a = owned(access, user, assessment.pk)
    goal = _goal(a, goal_id)
    if review_on is not None:
        problem = _review_problem(review_on, timezone.localdate(now or timezone.now()))
        if problem:
            raise ValidationError({"review_on": [problem]})
        goal.review_on = review_on
    if done is not None:
        if not done and goal.done and a.goals.filter(done=False).count() >= MAX_GOALS:
            raise ValidationError({"goals": [
                f"A development plan has at most {MAX_GOALS} open goals."]})  # fmt: skip
        goal.done = done
    goal.save()
    return goal


@transaction.atomic
def remove_goal(access: Access, user: Any, assessment: Assessment, goal_id: int) -> None:
    a = owned(access, user, assessment.pk)
    _goal(a, goal_id).delete()
