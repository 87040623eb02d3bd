"""Decision rights (domains with deciders) and the decision log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Person, Role, Team, Workspace


class DecisionDomain(models.Model):
    """An area of decisions (user experience, architecture, ...) with who decides it."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="decision_domains"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    decider_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="decides"
    )
    decider_role = models.CharField(
        max_length=16,
        choices=Role.choices,
        blank=True,
        help_text="A workspace role that decides, when no one person does",
    )
    consulted = models.ManyToManyField(Person, blank=True, related_name="consulted_on")
    informed = models.ManyToManyField(Person, blank=True, related_name="informed_of")

    class Meta:
        db_table = "governance_decisiondomain"  # the table predates the app
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="domain_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    """An architecture-decision-record style entry, routed to a decider with a due time."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        DECIDED = "decided", "Decided"
        SUPERSEDED = "superseded", "Superseded"

    class RouteKind(models.TextChoices):
        PERSON = "person", "Person"
        ROLE = "role", "Role"
        TRIAGE = "triage", "Triage group"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="decisions")
    title = models.CharField(max_length=300)
    context = models.TextField(blank=True)
    options = models.TextField(blank=True)
    decision = models.TextField(blank=True, help_text="What was decided")
    rationale = models.TextField(blank=True)
    consequences = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    domains = models.ManyToManyField(DecisionDomain, blank=True, related_name="decisions")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    routed_kind = models.CharField(max_length=16, choices=RouteKind.choices)
    routed_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="routed_decisions"
    )
    routed_role = models.CharField(max_length=16, blank=True)
    routed_name = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_name = models.CharField(max_length=150, blank=True)
    # Set when an owner recorded the outcome for the decider it was routed to (who, by name).
    decided_for = models.CharField(max_length=200, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )

    class Meta:
        db_table = "governance_decision"  # the table predates the app
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "status", "due_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def latency_hours(self) -> float | None:
        """Return decided_at − created_at in hours (None while undecided)."""
        if self.decided_at is None:
            return None
        return round((self.decided_at - self.created_at).total_seconds() / 3600, 1)

    def is_overdue(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.status == self.Status.PROPOSED and self.due_at < moment  # type: ignore[operator]


class DecisionComment(models.Model):
    """A comment on a decision: anyone in the workspace who may not decide can still weigh in."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "governance_decisioncomment"  # the table predates the app
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.decision_id}: {self.text[:40]}"


class DecisionInput(models.Model):
    """A consulted person's input on a proposed decision, asked for by a personal link (no
    account needed) and stored with the decision; editable through the link until it is
    decided or superseded."""

    class Stance(models.TextChoices):
        SUPPORT = "support", "I support it"
        CONCERNS = "concerns", "I have concerns"
        OBJECT = "object", "I object"
        NEUTRAL = "neutral", "No strong view"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="inputs")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="decision_inputs")
    link = models.ForeignKey(
        "workspaces.StakeholderLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stance = models.CharField(max_length=16, choices=Stance.choices, blank=True)
    text = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by_name = models.CharField(max_length=150, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "decisions_input"
        ordering = ["person__name"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "person"], name="decision_input_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.decision}"
