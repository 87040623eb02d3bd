"""Self-assessments against the workspace's competency model: start one, rate yourself with
evidence, share it, ask raters. Every page, API call and command goes through these functions;
the development plan (goals) is in :mod:`.plan`.

Privacy is the first rule: :func:`readable` is the only way to an assessment, and it finds one
only for its owner and the users it is shared with. Anyone else, owners of the workspace
included, gets a 404, as for an assessment that does not exist. Nothing here lists other
people's assessments or ranks people.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime
from statistics import mean
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from leadline.workspaces.models import Membership, Role, Workspace
from leadline.workspaces.services import Access, audit, person_for

from . import catalog
from .models import (
    LEVELS,
    MAX_EVIDENCE,
    Assessment,
    Goal,
    ModelVersion,
    RaterInvite,
    RaterScore,
    Rating,
    Share,
)
from .results import (
    CompetencyAssessmentOut,
    CompetencyGoalOut,
    CompetencyHistoryOut,
    CompetencyModelOut,
    CompetencyRatingOut,
    CompetencyRequestOut,
)

MIN_RATERS = 3  # raters who must answer before any of their scores is shown
MAX_RATERS = 20
ABOVE = 1.0  # a self-rating this many levels above the raters' mean gets a note
MAX_TITLE = Assessment._meta.get_field("title").max_length or 200


# --- The model ------------------------------------------------------------------------------


def current_model(workspace: Workspace) -> ModelVersion:
    """Return the workspace's newest model version, making version 1 from the shipped model."""
    mv = ModelVersion.objects.filter(workspace=workspace).order_by("-number").first()
    if mv is None:
        data = catalog.shipped()
        mv, _ = ModelVersion.objects.get_or_create(
            workspace=workspace, number=1,
            defaults={"edition": data.pop("edition"), "data": data, "created_by_name": "Leadline"},
        )  # fmt: skip
    return mv


def model_out(mv: ModelVersion) -> CompetencyModelOut:
    data = mv.data
    return {
        "number": mv.number,
        "edition": mv.edition,
        "name": data["name"],
        "level_names": [data["levels"][str(n)] for n in LEVELS],
        "cornerstones": [
            {
                "key": c["key"], "name": c["name"], "summary": c.get("summary", ""),
                "competencies": [
                    {"key": k["key"], "name": k["name"], "summary": k.get("summary", ""),
                     "levels": list(k["levels"])}
                    for k in c["competencies"]
                ],
            }
            for c in data["cornerstones"]
        ],
        "note": mv.note,
        "created_at": mv.created_at,
        "created_by": mv.created_by_name,
    }  # fmt: skip


@transaction.atomic
def edit_competency(
    access: Access,
    user: Any,
    key: str,
    *,
    name: str,
    summary: str,
    levels: list[str],
    note: str = "",
    now: datetime | None = None,
) -> ModelVersion:
    """Change one competency's wording (owner role); the edit is a new model version, so
    assessments made against the old one keep their wording."""
    access.require(Role.OWNER)
    mv = current_model(access.workspace)
    data = dict(mv.data)
    found = catalog.competencies(data).get(key)
    if found is None:
        raise ValidationError({"competency": [f"No competency {key!r} in the model."]})
    if not name.strip():
        raise ValidationError({"name": ["Give the competency a name."]})
    if len(levels) != len(LEVELS):
        raise ValidationError({"levels": ["Describe each of the five levels."]})
    comp = found[1]
    comp.update(name=name.strip(), summary=summary.strip(), levels=[t.strip() for t in levels])
    catalog.check({**data, "edition": mv.edition})
    number = (ModelVersion.objects.filter(workspace=access.workspace).aggregate(n=Max("number"))["n"]
              or 0) + 1  # fmt: skip
    new = ModelVersion.objects.create(
        workspace=access.workspace, number=number, edition=mv.edition, data=data,
        note=(note.strip() or f"Edited {name.strip()}")[:300],
        created_at=now or timezone.now(), created_by_name=user.get_username()[:150],
    )  # fmt: skip
    audit(access.workspace, user, "competency.model", new,
          f"Competency model v{number}: edited {name.strip()}")  # fmt: skip
    return new


# --- Privacy --------------------------------------------------------------------------------


def readable(access: Access, user: Any, pk: int) -> Assessment:
    """Return assessment ``pk`` if ``user`` may read it (its owner, or shared with them);
    otherwise 404, whatever their role, as if it did not exist."""
    a = Assessment.objects.filter(workspace=access.workspace, pk=pk).select_related("model").first()
    if a is None or not (a.user_id == user.pk or a.shares.filter(user=user).exists()):
        raise Http404("No such assessment")
    return a


def owned(access: Access, user: Any, pk: int) -> Assessment:
    """Return the caller's own assessment ``pk`` to change it (member role); someone it is
    shared with may read but not change it (403); anyone else gets a 404."""
    a = readable(access, user, pk)
    if a.user_id != user.pk:
        raise PermissionDenied("Only the person who made an assessment changes it.")
    access.require(Role.MEMBER)
    return a


def _member(workspace: Workspace, username: str, field: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ValidationError({field: [f"No member {username!r} in this workspace."]})
    return user


def _name(workspace: Workspace, user: Any) -> str:
    person = person_for(workspace, user)
    return person.name if person is not None else user.get_username()


# --- Assessments ----------------------------------------------------------------------------


@transaction.atomic
def start(access: Access, user: Any, *, title: str = "", now: datetime | None = None) -> Assessment:
    """Start a self-assessment against the workspace's current model (member role)."""
    access.require(Role.MEMBER)
    now = now or timezone.now()
    title = title.strip() or f"Self-assessment {timezone.localdate(now):%Y-%m-%d}"
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": [f"Keep the title to {MAX_TITLE} characters."]})
    return Assessment.objects.create(
        workspace=access.workspace, user=user, model=current_model(access.workspace),
        title=title, created_at=now, updated_at=now,
    )  # fmt: skip


def level_problem(level: Any) -> str | None:
    """Return why ``level`` is not a self-rating (None when it is one, or empty)."""
    if level is None or level == "":
        return None
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        return f"{level!r} is not a level; use 1 to 5, or leave it empty."
    return None


@transaction.atomic
def rate(
    access: Access,
    user: Any,
    assessment: Assessment,
    ratings: list[dict[str, Any]],
    *,
    now: datetime | None = None,
) -> None:
    """Save self-ratings ``[{competency, level (1-5 or None), evidence}]`` (owner only)."""
    a = owned(access, user, assessment.pk)
    known = catalog.competencies(a.model.data)
    for r in ratings:
        key = r.get("competency", "")
        if key not in known:
            raise ValidationError(
                {"competency": [f"No competency {key!r} in model v{a.model.number}."]}
            )
        problem = level_problem(r.get("level"))
        if problem:
            raise ValidationError({"level": [f"{known[key][1]['name']}: {problem}"]})
        if len(r.get("evidence") or "") > MAX_EVIDENCE:
            raise ValidationError({"evidence": [
                f"{known[key][1]['name']}: keep the evidence to {MAX_EVIDENCE:,} characters."]})  # fmt: skip
    for r in ratings:
        Rating.objects.update_or_create(
            assessment=a, competency=r["competency"],
            defaults={"level": r.get("level") or None, "evidence": (r.get("evidence") or "").strip()},
        )  # fmt: skip
    Assessment.objects.filter(pk=a.pk).update(updated_at=now or timezone.now())


@transaction.atomic
def share(access: Access, user: Any, assessment: Assessment, username: str) -> None:
    """Let the member ``username`` read the assessment (owner only)."""
    a = owned(access, user, assessment.pk)
    other = _member(access.workspace, username, "user")
    if other.pk == user.pk:
        raise ValidationError({"user": ["It is your own assessment; you can always read it."]})
    _, made = Share.objects.get_or_create(assessment=a, user=other)
    if made:
        audit(access.workspace, user, "competency.share", a,
              f"Shared a competency self-assessment with {other.get_username()}")  # fmt: skip


@transaction.atomic
def unshare(access: Access, user: Any, assessment: Assessment, username: str) -> None:
    """Stop sharing with ``username`` (owner only)."""
    a = owned(access, user, assessment.pk)
    if Share.objects.filter(assessment=a, user__username=username).delete()[0]:
        audit(access.workspace, user, "competency.unshare", a,
              f"Stopped sharing a competency self-assessment with {username}")  # fmt: skip


@transaction.atomic
def invite(access: Access, user: Any, assessment: Assessment, usernames: list[str]) -> int:
    """Ask members for feedback (owner only); return how many were newly asked."""
    a = owned(access, user, assessment.pk)
    users = [_member(access.workspace, n, "raters") for n in dict.fromkeys(usernames)]
    if any(u.pk == user.pk for u in users):
        raise ValidationError({"raters": ["You rate yourself on the assessment; ask others here."]})
    if a.raters.count() + len(users) > MAX_RATERS:
        raise ValidationError({"raters": [f"Ask at most {MAX_RATERS} raters."]})
    from django.urls import reverse

    from leadline.notify.models import Notification

    made = 0
    url = reverse("competency-rate", args=[access.workspace.slug, a.pk])
    for u in users:
        if RaterInvite.objects.get_or_create(assessment=a, user=u)[1]:
            made += 1
            # To the rater alone (the bell), never to the workspace's shared channels.
            Notification.objects.create(
                workspace=access.workspace, user=u, url=url,
                title=f"{_name(access.workspace, user)} asks for your feedback"[:300],
                body="Rate the competencies you have seen; your levels are stored without your name.",
            )  # fmt: skip
    return made


def requests_for(access: Access, user: Any) -> list[CompetencyRequestOut]:
    """Assessments the caller was asked to rate and has not rated yet."""
    rows = RaterInvite.objects.filter(
        assessment__workspace=access.workspace, user=user, answered=False
    ).select_related("assessment__model", "assessment__user")
    return [
        {"assessment": r.assessment.pk, "title": r.assessment.title,
         "owner": _name(access.workspace, r.assessment.user),
         "model_number": r.assessment.model.number}
        for r in rows
    ]  # fmt: skip


def invitation(access: Access, user: Any, pk: int) -> RaterInvite:
    """Return the caller's open invitation to rate assessment ``pk``; none is a 404."""
    inv = (
        RaterInvite.objects.filter(
            assessment__workspace=access.workspace, assessment_id=pk, user=user
        )  # fmt: skip
        .select_related("assessment__model", "assessment__user")
        .first()
    )
    if inv is None:
        raise Http404("No such request for feedback")
    return inv


@transaction.atomic
def answer(access: Access, user: Any, pk: int, scores: dict[str, Any]) -> None:
    """Record a rater's levels ``{competency: level}`` once; the scores keep nothing of the rater,
    and all of the assessment's scores are rewritten in a random order."""
    inv = invitation(access, user, pk)
    inv = RaterInvite.objects.select_for_update().get(pk=inv.pk)
    if inv.answered:
        raise ValidationError({"scores": ["You have already given your feedback."]})
    a = Assessment.objects.select_related("model").get(pk=inv.assessment_id)
    known = catalog.competencies(a.model.data)
    clean: list[tuple[str, int]] = []
    for key, level in scores.items():
        if key not in known:
            raise ValidationError({"competency": [f"No competency {key!r} in this assessment."]})
        if level is None or level == "":
            continue
        problem = level_problem(level)
        if problem:
            raise ValidationError({"level": [f"{known[key][1]['name']}: {problem}"]})
        clean.append((key, int(level)))
    if not clean:
        raise ValidationError({"scores": ["Rate at least one competency."]})
    rows = [(s.competency, s.level) for s in RaterScore.objects.filter(assessment=a)] + clean
    random.SystemRandom().shuffle(rows)
    RaterScore.objects.filter(assessment=a).delete()
    RaterScore.objects.bulk_create(RaterScore(assessment=a, competency=k, level=v) for k, v in rows)
    inv.answered = True
    inv.save(update_fields=["answered"])


# --- Reading --------------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _mean(values: list[int]) -> float | None:
    return _round(mean(values)) if values else None


def _self_means(a: Assessment) -> dict[str, float | None]:
    levels = {r.competency: r.level for r in a.ratings.all()}
    by_corner: dict[str, list[int]] = defaultdict(list)
    for key, (corner, _) in catalog.competencies(a.model.data).items():
        if levels.get(key):
            by_corner[corner].append(levels[key])  # type: ignore[arg-type]
    return {c["key"]: _mean(by_corner[c["key"]]) for c in a.model.data["cornerstones"]}


def history(access: Access, user: Any) -> list[CompetencyHistoryOut]:
    """The caller's own assessments, newest first, with their mean self-rating per cornerstone."""
    out: list[CompetencyHistoryOut] = []
    rows = Assessment.objects.filter(workspace=access.workspace, user=user).select_related("model")
    for a in rows.prefetch_related("ratings"):
        means = _self_means(a)
        out.append({
            "id": a.pk, "title": a.title, "created_at": a.created_at,
            "model_number": a.model.number,
            "rated": sum(1 for r in a.ratings.all() if r.level),
            "cornerstones": [
                {"key": c["key"], "name": c["name"], "self_mean": means[c["key"]],
                 "raters_mean": None}
                for c in a.model.data["cornerstones"]
            ],
        })  # fmt: skip
    return out


def shared_with_me(access: Access, user: Any) -> list[CompetencyHistoryOut]:
    """Assessments other people chose to share with the caller (nothing else of theirs)."""
    ids = Share.objects.filter(assessment__workspace=access.workspace, user=user).values_list(
        "assessment_id", flat=True
    )
    rows = Assessment.objects.filter(pk__in=list(ids)).select_related("model", "user")
    return [
        {"id": a.pk, "title": f"{_name(access.workspace, a.user)}: {a.title}",
         "created_at": a.created_at, "model_number": a.model.number,
         "rated": a.ratings.exclude(level=None).count(), "cornerstones": []}
        for a in rows
    ]  # fmt: skip


def goal_out(goal: Goal, names: dict[str, str]) -> CompetencyGoalOut:
    return {
        "id": goal.pk, "competency": goal.competency,
        "competency_name": names.get(goal.competency, goal.competency), "text": goal.text,
        "review_on": goal.review_on, "done": goal.done, "reminded_for": goal.reminded_for,
    }  # fmt: skip


def assessment_out(access: Access, user: Any, a: Assessment) -> CompetencyAssessmentOut:
    """The assessment as its owner, or someone it is shared with, sees it. Raters' scores
    appear only as means, and only once at least three raters have answered."""
    data = a.model.data
    comps = catalog.competencies(data)
    names = {k: c["name"] for k, (_, c) in comps.items()}
    mine = a.user_id == user.pk
    own = {r.competency: r for r in a.ratings.all()}
    answered = a.raters.filter(answered=True).count()
    shown = answered >= MIN_RATERS
    scores: dict[str, list[int]] = defaultdict(list)
    if shown:
        for s in RaterScore.objects.filter(assessment=a).order_by("competency", "level"):
            scores[s.competency].append(s.level)
    ratings: list[CompetencyRatingOut] = []
    corner_raters: dict[str, list[int]] = defaultdict(list)
    for key, (corner, comp) in comps.items():
        r = own.get(key)
        # A competency fewer than three raters scored shows no mean either.
        rm = _mean(scores[key]) if len(scores[key]) >= MIN_RATERS else None
        if rm is not None:
            corner_raters[corner] += scores[key]
        level = r.level if r else None
        ratings.append({
            "competency": key, "cornerstone": corner, "name": comp["name"], "level": level,
            "evidence": r.evidence if r else "", "raters_mean": rm,
            "above_raters": bool(level and rm is not None and level - rm >= ABOVE),
        })  # fmt: skip
    means = _self_means(a)
    invited = a.raters.count()
    if shown:
        note = f"{answered} raters answered; only their means are shown, never who said what."
    elif invited:
        note = (f"{answered} of {invited} raters answered. Nothing is shown until at least "
                f"{MIN_RATERS} have, so no answer can be traced to a rater.")  # fmt: skip
    else:
        note = f"No raters asked. Ask at least {MIN_RATERS} to see how others see you."
    goals = a.goals.all()
    return {
        "id": a.pk, "title": a.title, "owner": _name(a.workspace, a.user), "mine": mine,
        "model_number": a.model.number, "model_edition": a.model.edition,
        "level_names": [data["levels"][str(n)] for n in LEVELS],
        "created_at": a.created_at, "updated_at": a.updated_at, "ratings": ratings,
        "cornerstones": [
            {"key": c["key"], "name": c["name"], "self_mean": means[c["key"]],
             "raters_mean": _mean(corner_raters[c["key"]])}
            for c in data["cornerstones"]
        ],
        "raters": {"invited": invited, "answered": answered, "minimum": MIN_RATERS,
                   "shown": shown, "note": note},
        "goals": [goal_out(g, names) for g in goals],
        "shared_with": sorted(a.shares.values_list("user__username", flat=True)) if mine else [],
        "rater_names": sorted(a.raters.values_list("user__username", flat=True)) if mine else [],
        "history": history(access, user) if mine else [],
    }  # fmt: skip


def latest_own(access: Access, user: Any) -> Assessment | None:
    return Assessment.objects.filter(workspace=access.workspace, user=user).first()
