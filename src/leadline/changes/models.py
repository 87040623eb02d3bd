"""Change requests: captured before work starts, with their impact, then decided."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from leadline.decisions.models import Decision, DecisionDomain
from leadline.raid.models import RaidItem
from leadline.workspaces.models import Person, Team, Workspace


class ChangeRequest(models.Model):
    """A request to add scope: what, who asks, urgency, how many items, which team."""

    class Urgency(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class ScopeSource(models.TextChoices):
        """Where the scope still to do (without the change) is read from."""

        SPRINT = "sprint", "The team's current sprint"
        EPICS = "epics", "Epics"
        ITEMS = "items", "A list of work items"
        MANUAL = "manual", "A number entered by hand"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        DEFERRED = "deferred", "Deferred"

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="change_requests"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="change_requests")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="change_requests"
    )
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    added_items = models.PositiveIntegerField(help_text="Work items the change adds")
    remaining_items = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Items left in the current scope, when entered by hand",
    )
    # Blank: not chosen yet (the impact check then asks for it instead of assuming 0 items).
    scope_source = models.CharField(
        max_length=16,
        choices=ScopeSource.choices,
        blank=True,
        help_text="Where the remaining scope is read from",
    )
    scope_epics = models.CharField(
        max_length=2000, blank=True, help_text="Epic keys, comma-separated, in priority order"
    )
    scope_items = models.TextField(
        blank=True, help_text="Work item keys, separated by commas, spaces or lines"
    )
    target_date = models.DateField(
        null=True, blank=True, help_text="The date the current scope is promised for"
    )
    throughput_samples = models.CharField(
        max_length=2000,
        blank=True,
        help_text="Daily throughput, comma-separated, when no delivery data is imported",
    )
    domains = models.ManyToManyField(DecisionDomain, blank=True, related_name="change_requests")
    raid_items = models.ManyToManyField(RaidItem, blank=True, related_name="change_requests")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decision = models.OneToOneField(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="change_request"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "governance_changerequest"  # the table predates the app
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def samples(self) -> list[int]:
        """Return the manual throughput samples (empty when none or unreadable)."""
        parts = [p.strip() for p in self.throughput_samples.replace(";", ",").split(",")]
        try:
            return [int(p) for p in parts if p]
        except ValueError:
            return []
