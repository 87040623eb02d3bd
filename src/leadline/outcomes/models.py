"""KPIs (who is measured on what), their entered values, milestones and the benefits a plan
promises, with their expected values by date.

A KPI's owners are functions (``workspaces.Function``) and/or teams; owned by two or more
functions it is *shared*. ``contributes_to`` names the outcome a KPI serves (no cycles: the
services refuse one); ``conflicts_with`` marks two KPIs known to pull against each other, and
``measures`` names the quantity a KPI measures, so two KPIs on the same quantity with opposite
directions are found to pull against each other too (:mod:`leadline.outcomes.silos`).
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Function, Team, Workspace

ENTERED = "entered"  # a KPI whose values people (a page, a CSV file, the API) enter by date


class Kpi(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress metric"
        OUTCOME = "outcome", "Outcome metric"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=200)
    definition = models.TextField(max_length=2000, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OUTCOME)
    functions = models.ManyToManyField(Function, blank=True, related_name="kpis")
    teams = models.ManyToManyField(Team, blank=True, related_name="kpis")
    target_value = models.FloatField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    # "entered", or the key of a computed source (leadline.outcomes.sources.SOURCES).
    source = models.CharField(max_length=64, default=ENTERED)
    contributes_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="contributors"
    )
    conflicts_with = models.ManyToManyField("self", blank=True, symmetrical=True)
    measures = models.CharField(
        max_length=64, blank=True, help_text="The quantity measured (same key: same quantity)"
    )
    active_from = models.DateField(null=True, blank=True)
    active_until = models.DateField(
        null=True, blank=True, help_text="Retired from this day on (blank: still in use)"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "outcomes_kpi"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="outcomes_kpi_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def active_on(self, day: date) -> bool:
        """True when the KPI is in use on ``day``: from ``active_from`` until before
        ``active_until``."""
        return (self.active_from is None or self.active_from <= day) and (
            self.active_until is None or day < self.active_until
        )


class KpiValue(models.Model):
    """One entered value of a KPI on one day (one per day: a re-import replaces it)."""

    class Origin(models.TextChoices):
        PAGE = "page", "Page"
        CSV = "csv", "CSV import"
        API = "api", "API"
        DEMO = "demo", "Demo"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    day = models.DateField()
    value = models.FloatField()
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.PAGE)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "outcomes_kpi_value"
        ordering = ["kpi", "day"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "day"], name="outcomes_kpi_value_once_a_day")
        ]


class Milestone(models.Model):
    """An epic or a set of work items with a target date; its forecast says when it will be
    done (Monte Carlo, the teams' throughput)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    target_date = models.DateField()
    epic_key = models.CharField(max_length=64, blank=True)
    item_keys = models.JSONField(default=list, blank=True)
    teams = models.ManyToManyField(Team, blank=True, related_name="milestones")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "outcomes_milestone"
        ordering = ["target_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"], name="outcomes_milestone_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Benefit(models.Model):
    """A benefit (or, flagged, a dis-benefit) a piece of work is expected to bring, measured by
    a KPI; its expected values by date are :class:`BenefitPoint` s."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="benefits")
    description = models.CharField(max_length=300)
    outcome = models.TextField(max_length=2000, blank=True, help_text="What can be observed")
    rationale = models.TextField(
        max_length=2000, blank=True, help_text="Why the work is expected to cause it"
    )
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="benefits")
    disbenefit = models.BooleanField(default=False, help_text="An expected negative effect")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "outcomes_benefit"
        ordering = ["description"]

    def __str__(self) -> str:
        return self.description


class BenefitPoint(models.Model):
    """An expected value of a benefit's KPI on a day, tied to the milestone that brings it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="points")
    day = models.DateField()
    value = models.FloatField()
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="points"
    )

    class Meta:
        db_table = "outcomes_benefit_point"
        ordering = ["benefit", "day"]
        constraints = [
            models.UniqueConstraint(fields=["benefit", "day"], name="outcomes_benefit_point_day")
        ]
