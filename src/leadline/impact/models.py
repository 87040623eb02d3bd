"""A change in ways of working, dated, to analyse a metric before and after."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Team, Workspace


class Change(models.Model):
    """A dated change (a new process, a reorganisation, a tool): what, when, which team."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="impact_changes"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="impact_changes"
    )
    title = models.CharField(max_length=300)
    date = models.DateField(help_text="When the change was announced or took effect")
    description = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "impact_change"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"
