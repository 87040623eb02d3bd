"""Alignment checks: short structured questions to stakeholders, answered by personal links."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Person, StakeholderLink, Team, Workspace


class Kind(models.TextChoices):
    """The kinds of question, each with its own measure of disagreement (see measures.py)."""

    SUCCESS_CRITERIA = "success_criteria", "Success criteria"
    SCOPE = "scope", "Scope"
    PRIORITIES = "priorities", "Priorities"
    METRICS = "metrics", "Metrics that matter"
    WHO_DECIDES = "who_decides", "Who decides"
    LIKERT = "likert", "Agreement statement (1–5)"
    TEXT = "text", "Free text"


# Kinds whose question lists items the respondent answers about (scope, priorities) or picks
# from (metrics).
ITEM_KINDS = {Kind.SCOPE, Kind.PRIORITIES, Kind.METRICS}


class AlignmentSeries(models.Model):
    """A check repeated on a schedule: each repeat is a new check with the same questions and
    audience, so the trend shows whether a team aligned at kickoff is still aligned later."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="alignment_series"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="alignment_series"
    )
    title = models.CharField(max_length=200)
    # Either every N weeks from the first check, or on the listed dates (ISO strings).
    every_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    dates = models.JSONField(default=list, blank=True)
    open_days = models.PositiveSmallIntegerField(default=7, help_text="How long a repeat is open")
    # When the next repeat is sent; None once the schedule has no more dates (or it stopped).
    next_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        db_table = "alignment_series"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AlignmentCheck(models.Model):
    """One check: questions, an audience, a close date; results hidden until a lead shows them."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="alignment_checks"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="alignment_checks"
    )
    title = models.CharField(max_length=200)
    closes_at = models.DateTimeField()
    # Share of respondents one answer must reach for a scope item or statement to have consensus.
    consensus = models.PositiveSmallIntegerField(default=75, help_text="Percent, 50 to 100")
    results_shown = models.BooleanField(default=False)
    # A second (Delphi) round re-asks the contested questions of ``previous``.
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_rounds"
    )
    round = models.PositiveSmallIntegerField(default=1)
    # The repeating series this check belongs to (its first check or a scheduled repeat).
    series = models.ForeignKey(
        AlignmentSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="checks"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        db_table = "alignment_check"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now: object = None) -> bool:
        """Return True while answers are accepted: not closed and before the close date."""
        return self.closed_at is None and (now or timezone.now()) < self.closes_at  # type: ignore[operator]


class Question(models.Model):
    alignment_check = models.ForeignKey(
        AlignmentCheck, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=500)
    items = models.JSONField(default=list, blank=True)
    # Items picked from the workspace's work items or epics: item label → {"key", "type",
    # "url"} (the url is the tracker's page, "" when the item has none).
    refs = models.JSONField(default=dict, blank=True)
    # Who decides: the decision domain asked about (its name), "cross-domain" for a decision
    # the framework routes to the triage group, or "" to compare with no framework.
    domain = models.CharField(max_length=120, blank=True)
    # In a second round: the question of the first round this one re-asks.
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )

    class Meta:
        db_table = "alignment_question"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["alignment_check", "position"], name="alignment_question_pos"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Respondent(models.Model):
    """One person of a check's audience; their answers are editable until the check closes."""

    alignment_check = models.ForeignKey(
        AlignmentCheck, on_delete=models.CASCADE, related_name="respondents"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="alignment_answers")
    link = models.ForeignKey(
        StakeholderLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    named = models.BooleanField(default=False, help_text="Free text may show the name")

    class Meta:
        db_table = "alignment_respondent"
        ordering = ["person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["alignment_check", "person"], name="alignment_respondent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.alignment_check}"


class Answer(models.Model):
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()

    class Meta:
        db_table = "alignment_answer"
        constraints = [
            models.UniqueConstraint(fields=["respondent", "question"], name="alignment_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.respondent}: {self.question}"
