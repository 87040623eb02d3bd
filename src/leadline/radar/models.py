"""Findings the Radar raised, their history, the feedback on them and each rule's settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Team, Workspace


class Finding(models.Model):
    """One rule firing for one subject; unique per (workspace, rule, subject), so a re-run
    updates the finding it raised before instead of adding another."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    class Severity(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="findings")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    rule = models.CharField(max_length=64)
    subject_kind = models.CharField(max_length=32)
    subject_id = models.CharField(max_length=64)
    subject_name = models.CharField(max_length=300)
    subject_url = models.CharField(max_length=300, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    title = models.CharField(max_length=300)
    evidence = models.JSONField(default=list, help_text="Frozen when raised: [{label, value, url}]")
    why = models.TextField()
    talk_to = models.JSONField(default=list, help_text="[{kind, name}]")
    conversation = models.TextField()
    score = models.FloatField(default=0, help_text="How bad, in the rule's unit; larger is worse")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    dismissed_reason = models.CharField(max_length=300, blank=True)
    dismissed_score = models.FloatField(null=True, blank=True)
    recheck_at = models.DateField()
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()

    class Meta:
        db_table = "radar_finding"
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "rule", "subject_kind", "subject_id"],
                name="radar_finding_unique_subject_rule",
            )
        ]
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self) -> str:
        return f"{self.rule}: {self.title}"


class FindingEvent(models.Model):
    """One step in a finding's life: raised, cleared, reopened, acknowledged, …"""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_name = models.CharField(max_length=150, blank=True, help_text="Empty: the Radar itself")
    note = models.CharField(max_length=500, blank=True)
    evidence = models.JSONField(default=list, blank=True, help_text="The evidence at that moment")

    class Meta:
        db_table = "radar_findingevent"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"


class FindingFeedback(models.Model):
    """Whether a finding was useful to the person who read it (one answer per person)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    useful = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "radar_findingfeedback"
        constraints = [
            models.UniqueConstraint(fields=["finding", "user"], name="radar_feedback_once")
        ]


class RuleSetting(models.Model):
    """A workspace's choices for one rule: muted or not, and thresholds other than the defaults."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="radar_rules")
    rule = models.CharField(max_length=64)
    enabled = models.BooleanField(default=True)
    thresholds = models.JSONField(default=dict, blank=True, help_text="Only the changed ones")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "radar_rulesetting"
        constraints = [
            models.UniqueConstraint(fields=["workspace", "rule"], name="radar_rule_once")
        ]
