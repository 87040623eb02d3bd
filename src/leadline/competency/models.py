"""The competency model's workspace copies, self-assessments, shares, rater invitations, the
raters' anonymous scores and the development plan.

Private by construction: an assessment belongs to one user; only that user and the users it is
explicitly shared with read it (see ``privacy.py``). A rater's scores (:class:`RaterScore`) hold
no rater, no invitation and no time: only the assessment, the competency and the level. The ids
are random UUIDs and every submission rewrites the assessment's scores in a fresh random order,
so neither ids nor row order tell whose scores are whose. :class:`RaterInvite` keeps whether a
rater has answered (a flag, no time), only to stop a second answer.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Workspace

LEVELS = (1, 2, 3, 4, 5)
MAX_EVIDENCE = 4000


class ModelVersion(models.Model):
    """One numbered copy of the competency model in a workspace; edits make a new number, so an
    assessment keeps the wording it was made against."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="competency_models"
    )
    number = models.PositiveIntegerField()
    edition = models.CharField(max_length=32, help_text="The shipped edition it started from")
    # {"name", "levels": {"1": "Aware", ...}, "cornerstones": [{key, name, summary,
    #  competencies: [{key, name, summary, levels: [five texts]}]}]}
    data = models.JSONField()
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        db_table = "competency_model"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="competency_model_number")
        ]

    def __str__(self) -> str:
        return f"{self.data.get('name', 'Model')} v{self.number}"


class Assessment(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    model = models.ForeignKey(ModelVersion, on_delete=models.RESTRICT, related_name="assessments")
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "competency_assessment"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "user"])]

    def __str__(self) -> str:
        return self.title


class Rating(models.Model):
    """The person's own level and evidence for one competency."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    competency = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.TextField(max_length=MAX_EVIDENCE, blank=True)

    class Meta:
        db_table = "competency_rating"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "competency"], name="competency_rating_one"
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=5),
                name="competency_rating_level",
            ),
        ]


class Share(models.Model):
    """Someone the person chose to show their assessment to."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "competency_share"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="competency_share_one")
        ]


class RaterInvite(models.Model):
    """Someone asked for feedback; ``answered`` (no time) only stops a second answer."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="raters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answered = models.BooleanField(default=False)

    class Meta:
        db_table = "competency_rater"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="competency_rater_one")
        ]


class RaterScore(models.Model):
    """One rater's level for one competency, with nothing that says which rater."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="rater_scores"
    )
    competency = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField()

    class Meta:
        db_table = "competency_rater_score"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="competency_rater_level"
            )
        ]


class Goal(models.Model):
    """A development goal of the person's plan: a competency, what to do, a review date."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="goals")
    competency = models.CharField(max_length=64)
    text = models.CharField(max_length=300)
    review_on = models.DateField()
    done = models.BooleanField(default=False)
    # The review date a reminder was sent for: one reminder per review date.
    reminded_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "competency_goal"
        ordering = ["review_on", "id"]
        indexes = [models.Index(fields=["done", "review_on"])]
