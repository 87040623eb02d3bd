"""RAID log: risks, assumptions, issues and dependencies in one table, with per-item history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Person, Team, Workspace


class RaidItem(models.Model):
    """One risk, assumption, issue or dependency; kind-specific fields are blank for others."""

    class Kind(models.TextChoices):
        RISK = "risk", "Risk"
        ASSUMPTION = "assumption", "Assumption"
        ISSUE = "issue", "Issue"
        DEPENDENCY = "dependency", "Dependency"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MITIGATING = "mitigating", "Mitigating"
        MATERIALISED = "materialised", "Materialised"
        VALIDATED = "validated", "Validated"
        INVALIDATED = "invalidated", "Invalidated"
        IN_PROGRESS = "in_progress", "In progress"
        DELIVERED = "delivered", "Delivered"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class ProviderKind(models.TextChoices):
        TEAM = "team", "Team"
        VENDOR = "vendor", "Vendor"
        PERSON = "person", "Person"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="raid_items")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="Key from another tool; CSV re-imports match on it"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="raid_items"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raid_items",
        help_text="The team it concerns (for a dependency: the consumer team that waits)",
    )
    blocker = models.BooleanField(default=False, help_text="It blocks work now")
    review_date = models.DateField(null=True, blank=True)
    # Risk
    cause = models.TextField(blank=True)
    effect = models.TextField(blank=True)
    probability = models.PositiveSmallIntegerField(null=True, blank=True)
    impact = models.PositiveSmallIntegerField(null=True, blank=True)
    proximity = models.DateField(null=True, blank=True, help_text="When the risk could occur")
    mitigation = models.TextField(blank=True, help_text="Mitigation plan")
    mitigation_actions = models.TextField(blank=True)
    trigger = models.CharField(max_length=300, blank=True)
    # Assumption
    validate_by = models.DateField(null=True, blank=True)
    # Issue
    severity = models.CharField(max_length=16, choices=Severity.choices, blank=True)
    due_date = models.DateField(null=True, blank=True)
    source_risk = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="materialised_as",
        help_text="The risk this issue materialised from",
    )
    # Dependency
    provider_kind = models.CharField(max_length=16, choices=ProviderKind.choices, blank=True)
    provider_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="provided_dependencies"
    )
    provider_name = models.CharField(max_length=200, blank=True, help_text="Vendor or person")
    needed = models.TextField(blank=True, help_text="What is needed")
    need_by = models.DateField(null=True, blank=True)
    work_items = models.CharField(
        max_length=500, blank=True, help_text="Linked work item keys, comma-separated"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "governance_raiditem"  # the table predates the app
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=~models.Q(external_id=""),
                name="raid_unique_external_id",
            ),
            models.CheckConstraint(
                condition=models.Q(probability__isnull=True)
                | models.Q(probability__gte=1, probability__lte=5),
                name="raid_probability_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(impact__isnull=True) | models.Q(impact__gte=1, impact__lte=5),
                name="raid_impact_1_5",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def score(self) -> int | None:
        """Return probability × impact, or None when either is unknown."""
        if self.probability is None or self.impact is None:
            return None
        return self.probability * self.impact

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def provider_label(self) -> str:
        if self.provider_team is not None:
            return self.provider_team.name
        return self.provider_name or "—"

    def work_item_keys(self) -> list[str]:
        return [k.strip() for k in self.work_items.split(",") if k.strip()]


OPEN_STATUSES = {
    RaidItem.Status.OPEN,
    RaidItem.Status.MITIGATING,
    RaidItem.Status.IN_PROGRESS,
}

# Statuses each kind may take; the first is where a new item starts.
KIND_STATUSES: dict[str, list[str]] = {
    RaidItem.Kind.RISK: ["open", "mitigating", "materialised", "closed"],
    RaidItem.Kind.ASSUMPTION: ["open", "validated", "invalidated"],
    RaidItem.Kind.ISSUE: ["open", "in_progress", "resolved", "closed"],
    RaidItem.Kind.DEPENDENCY: ["open", "in_progress", "delivered", "closed"],
}


class RaidHistory(models.Model):
    """One change to a RAID item: who, when, which fields from what to what."""

    item = models.ForeignKey(RaidItem, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "governance_raidhistory"  # the table predates the app
        ordering = ["-at", "-id"]
        verbose_name_plural = "RAID history"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"
