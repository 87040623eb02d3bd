"""A team's retrospectives: the board, its cards and groups, dot votes, and the actions agreed.

Anonymity is by construction: an anonymous card stores no author at all, and a vote stores
only a keyed hash of (board, voter) — enough to limit votes per person, never who voted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Person, Team, Workspace

from .formats import FORMATS, PHASES


class Retro(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="retros")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="retros")
    title = models.CharField(max_length=200)
    format = models.CharField(max_length=32, choices=[(k, f.title) for k, f in FORMATS.items()])
    phase = models.CharField(max_length=16, choices=PHASES, default="write")
    facilitator = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    votes_per_person = models.PositiveSmallIntegerField(default=3)
    held_on = models.DateField()
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change, so a polling page asks "anything new since version n?".
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "retro_board"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["workspace", "team", "held_on"])]

    def __str__(self) -> str:
        return self.title


class CardGroup(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    retro = models.ForeignKey(Retro, on_delete=models.CASCADE, related_name="groups")
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "retro_group"
        ordering = ["id"]


class Card(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    retro = models.ForeignKey(Retro, on_delete=models.CASCADE, related_name="cards")
    column = models.CharField(max_length=32)
    text = models.CharField(max_length=500)
    # None for an anonymous card: no trace of who wrote it is kept anywhere.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        CardGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="cards"
    )
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        db_table = "retro_card"
        ordering = ["id"]


class Vote(models.Model):
    """One dot on a card or a group; ``voter_key`` is an HMAC of (board, user), not the user."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    retro = models.ForeignKey(Retro, on_delete=models.CASCADE, related_name="votes")
    card = models.ForeignKey(
        Card, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    group = models.ForeignKey(
        CardGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    voter_key = models.CharField(max_length=64)

    class Meta:
        db_table = "retro_vote"
        indexes = [models.Index(fields=["retro", "voter_key"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(card__isnull=True) ^ models.Q(group__isnull=True),
                name="retro_vote_one_target",
            )
        ]


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    retro = models.ForeignKey(Retro, on_delete=models.CASCADE, related_name="actions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="retro_actions")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="retro_actions")
    due_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "retro_action"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["workspace", "team", "status"])]
