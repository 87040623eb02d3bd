"""Key-person concentration as stored: commits with the files they touched (for repositories
Leadline cannot read with git itself, e.g. the demo's), and the computed results per
repository and area, the areas each reviewed change touched, plus each team's weekly
out-of-hours counts (never per person).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Team, Workspace


class CodeCommit(models.Model):
    """One commit and the files it touched: ``files`` is a list of [status, path, old_path]."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    repository = models.CharField(max_length=300)
    sha = models.CharField(max_length=64)
    author_name = models.CharField(max_length=200, blank=True)
    author_email = models.CharField(max_length=254, blank=True)
    authored = models.DateTimeField()
    subject = models.CharField(max_length=500, blank=True)
    files = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "concentration_commit"
        ordering = ["repository", "authored", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "repository", "sha"], name="concentration_commit_unique"
            )
        ]


class AreaResult(models.Model):
    """The truck factor of one repository (``area`` empty) or one area of it (a top directory).

    ``authors``: [{"name", "person", "files", "sole"}] of people still active, most files first;
    ``sole`` counts the files only they author. ``work_items``: tracker keys named by commits
    that touched the area; ``epics``: the epics those items belong to.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    repository = models.CharField(max_length=300)
    area = models.CharField(max_length=300, blank=True)
    truck_factor = models.PositiveIntegerField()
    files = models.PositiveIntegerField()
    authors = models.JSONField(default=list, blank=True)
    left_out = models.PositiveIntegerField(
        default=0, help_text="Authors not active in the people registry (left out)"
    )
    work_items = models.JSONField(default=list, blank=True)
    epics = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "concentration_area"
        ordering = ["repository", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "repository", "area"], name="concentration_area_unique"
            )
        ]


class PaceWeek(models.Model):
    """A team's work in one week (Monday): events (commits, status changes) and how many of
    them fell outside working hours. Team totals only: nobody's own figures are kept."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    events = models.PositiveIntegerField()
    outside = models.PositiveIntegerField()

    class Meta:
        db_table = "concentration_pace_week"
        ordering = ["team_id", "week"]
        constraints = [
            models.UniqueConstraint(fields=["team", "week"], name="concentration_pace_unique")
        ]


class ChangeArea(models.Model):
    """Where a reviewed pull/merge request changed the code: the repository whose history
    holds its commits and the areas (top directories) of the files they touched. Recomputed
    with the results; a reviewed change with no row counts for its own repository only."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=32)
    change_id = models.CharField(max_length=200)
    repository = models.CharField(max_length=300)
    areas = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "concentration_change_area"
        ordering = ["source", "change_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "change_id"], name="concentration_change_area_unique"
            )
        ]
