"""Escalation alerts, in-app notifications and outbound channels (URLs stored encrypted)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Workspace


class Alert(models.Model):
    """One escalation rule firing for one item; unique per (item, rule), so re-runs add nothing."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="alerts")
    subject = models.CharField(max_length=64, help_text="raid:<id> or decision:<id>")
    rule = models.CharField(max_length=32)
    title = models.CharField(max_length=300)
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "governance_alert"  # the table predates the app
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "subject", "rule"], name="alert_unique_subject_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.title}"


class Notification(models.Model):
    """An in-app notification for one user (the bell)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "governance_notification"  # the table predates the app
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "workspace", "read_at"])]

    def __str__(self) -> str:
        return self.title


class NotificationChannel(models.Model):
    """An Apprise URL (Slack, Teams, email, JSON webhook) that receives alerts and digests."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="notification_channels"
    )
    name = models.CharField(max_length=100)
    url_encrypted = models.TextField()
    url_hint = models.CharField(max_length=40, help_text="Scheme and host, for display")
    active = models.BooleanField(default=True)
    digest = models.BooleanField(default=True, help_text="Also receives the daily digest")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "governance_notificationchannel"  # the table predates the app
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.url_hint})"
