"""Pulses: a series per team, its rounds, the invitations (who may and who has answered) and
the anonymous answers.

Anonymous by construction. :class:`Response` and :class:`Comment` hold no person, no
invitation, no token and no user: only the round, the answers (or the comment's text) and, for a
response, the day. Their ids are random UUIDs, and every submission rewrites all of the round's
responses and comments in a fresh random order (see ``services.submit``), so neither the ids,
the physical row order, nor PostgreSQL's row versions (xmin) tell who answered when.
:class:`Invitation` knows who has answered (a flag, no time) only to stop reminders and to
compare consecutive rounds' respondents; it never points at a response.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Person, Team, Workspace

from .catalog import TEMPLATES

MIN_K, MAX_K, DEFAULT_K = 3, 10, 5


class PulseSettings(models.Model):
    """A workspace's minimum group size k: fewer responses than k show nothing but the count."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="pulse_settings"
    )
    min_group_size = models.PositiveSmallIntegerField(default=DEFAULT_K)

    class Meta:
        db_table = "pulse_settings"


class Pulse(models.Model):
    """One team's pulse of one template, run once or on a schedule."""

    class Schedule(models.TextChoices):
        ONCE = "once", "Once"
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Every four weeks"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="pulses")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="pulses")
    template = models.CharField(max_length=32, choices=list(TEMPLATES.items()))
    title = models.CharField(max_length=200)
    # [{key, text, scale, reverse, scored}] in the order asked; a custom pulse's own questions.
    items = models.JSONField(default=list)
    schedule = models.CharField(
        max_length=16, choices=Schedule.choices, default=Schedule.FORTNIGHTLY
    )
    open_days = models.PositiveSmallIntegerField(default=5, help_text="How long a round is open")
    active = models.BooleanField(default=True, help_text="False: no more rounds are started")
    created_at = models.DateTimeField(default=timezone.now)
    created_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        db_table = "pulse_pulse"
        ordering = ["team__name", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.team.name})"


class Round(models.Model):
    """One asking of a pulse: open from ``opens_at`` until ``closes_at`` (or closed early)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    pulse = models.ForeignKey(Pulse, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    closed = models.BooleanField(default=False)
    invited = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "pulse_round"
        ordering = ["pulse", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pulse", "number"], name="pulse_round_number")
        ]

    def __str__(self) -> str:
        return f"{self.pulse} round {self.number}"

    def is_open(self, now: object = None) -> bool:
        return not self.closed and (now or timezone.now()) < self.closes_at  # type: ignore[operator]


class Invitation(models.Model):
    """One person's personal link to one round. Only a digest of the link is stored. ``answered``
    stops reminders and a second answer; it carries no time and points at no response."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="pulse_invitations")
    lookup = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    answered = models.BooleanField(default=False)
    # Reminders sent in the round, the same on every invitation of it (never per person).
    reminders = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "pulse_invitation"
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="pulse_invitation_once")
        ]


class Response(models.Model):
    """One anonymous set of answers: {item key: value on the item's scale}. Nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    answers = models.JSONField()
    submitted_on = models.DateField(help_text="The day the round opened (never the answer's own)")

    class Meta:
        db_table = "pulse_response"


class Comment(models.Model):
    """One anonymous comment, kept apart from the answers (a comment's wording must not lead to
    its writer's scores); shown only after the round closes, in random order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(max_length=2000)

    class Meta:
        db_table = "pulse_comment"
