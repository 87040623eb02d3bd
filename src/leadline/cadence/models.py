"""Cadence: the tiers of checkpoints (weekly team status, biweekly stakeholder check-in, monthly
milestone review, steering committee), their meetings, the actions agreed in them, the status
packs written for them from live data, and the secret calendar feeds.

A tier's recurrence is an RFC 5545 RRULE expanded from a local start (date and time, no offset)
in the tier's time zone: a 09:00 meeting stays at 09:00 local across daylight-saving changes.
Occurrences are stored only once something happens to them (notes, attendees, a cancellation,
an action, a pack); until then they exist only as the rule's expansion.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from leadline.decisions.models import Decision
from leadline.workspaces.models import Person, Team, Workspace


class CadenceTier(models.Model):
    """One recurring checkpoint: its kind, schedule, audience and pack template."""

    class Kind(models.TextChoices):
        TEAM = "team", "Weekly team status"
        STAKEHOLDER = "stakeholder", "Stakeholder check-in"
        MILESTONE = "milestone", "Milestone review"
        STEERING = "steering", "Steering committee"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="cadences")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=120)
    # Optional: a tier run for one team (its packs are about that team); None: every team.
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="cadences"
    )
    rrule = models.CharField(max_length=300, help_text="An RFC 5545 RRULE, e.g. FREQ=WEEKLY")
    start_on = models.DateField(help_text="The first meeting's local date")
    start_time = models.TimeField(help_text="The meetings' local time")
    time_zone = models.CharField(max_length=64)
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    audience_people = models.ManyToManyField(Person, blank=True, related_name="cadences")
    audience_teams = models.ManyToManyField(Team, blank=True, related_name="audience_of")
    # The pack's section keys in order (see leadline.cadence.sections); unknown keys are skipped.
    template = models.JSONField(default=list)
    # What the lead must bring to the meeting (free text, one per entry).
    required_inputs = models.JSONField(default=list)
    # An action still open after this many later meetings goes up to the next tier's agenda.
    escalate_after = models.PositiveSmallIntegerField(default=3)
    uid = models.CharField(max_length=80, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "cadence_tier"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Occurrence(models.Model):
    """One meeting of a tier, stored once it has attendees, notes, actions or is cancelled."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    tier = models.ForeignKey(CadenceTier, on_delete=models.CASCADE, related_name="occurrences")
    # The start the rule gives (its RECURRENCE-ID), stored in UTC.
    start = models.DateTimeField()
    cancelled = models.BooleanField(default=False)
    attendees = models.ManyToManyField(Person, blank=True, related_name="meetings")
    notes = models.TextField(blank=True)
    # The monthly review's "is this still the right track?" outcome, once recorded.
    right_track = models.CharField(max_length=8, blank=True)
    right_track_decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "cadence_occurrence"
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "start"], name="cadence_occurrence_once")
        ]

    def __str__(self) -> str:
        return f"{self.tier.name} {self.start:%Y-%m-%d}"


class OccurrenceDecision(models.Model):
    """A decision taken in a meeting: the decision log's record, linked to the meeting."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="decisions")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "cadence_decision"
        ordering = ["id"]


class OccurrenceAction(models.Model):
    """An action agreed in a meeting: carried into the tier's next meetings while open, and up
    to the next tier's agenda once carried ``tier.escalate_after`` times."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    tier = models.ForeignKey(CadenceTier, on_delete=models.CASCADE, related_name="actions")
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="cadence_actions")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    # Later meetings of the tier it was carried into while open (updated by carry_forward).
    carried = models.PositiveSmallIntegerField(default=0)
    escalated_to = models.ForeignKey(
        CadenceTier, on_delete=models.SET_NULL, null=True, blank=True, related_name="escalations"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "cadence_action"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["workspace", "done_at"])]


class RightTrackVote(models.Model):
    """One attendee's answer to "is this still the right track?" in a milestone review."""

    class Answer(models.TextChoices):
        CONTINUE = "continue", "Continue"
        ADJUST = "adjust", "Adjust"
        STOP = "stop", "Stop"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=8, choices=Answer.choices)
    rationale = models.CharField(max_length=1000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "cadence_vote"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "person"], name="cadence_vote_once")
        ]


class Pack(models.Model):
    """A status pack: the sections built from live data at ``as_of``, frozen as JSON; the
    lead's narrative and per-section RAG status; frozen for good once published."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    tier = models.ForeignKey(CadenceTier, on_delete=models.CASCADE, related_name="packs")
    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.SET_NULL, null=True, blank=True, related_name="packs"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    as_of = models.DateTimeField()
    # [{key, title, status, items: [{key, text, ...}]}] as built; never rebuilt once published.
    sections = models.JSONField(default=list)
    # {section key: {"rag": "red"|"amber"|"green", "owner": person id}} set by the lead.
    statuses = models.JSONField(default=dict)
    narrative = models.TextField(blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changes_since_previous = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        db_table = "cadence_pack"
        ordering = ["-as_of", "-id"]
        indexes = [models.Index(fields=["workspace", "tier", "as_of"])]

    def __str__(self) -> str:
        return f"{self.tier.name} pack {self.as_of:%Y-%m-%d}"


class CalendarFeed(models.Model):
    """A secret ICS feed of the workspace (``person`` None) or of one person's meetings.

    The address carries ``lookup`` and an HMAC of (lookup, nonce) under the SECRET_KEY: the
    secret itself is never stored, and revoking the feed replaces it (a new lookup and nonce).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    lookup = models.CharField(max_length=16, unique=True)
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cadence_feed"
        ordering = ["-created_at", "-id"]
