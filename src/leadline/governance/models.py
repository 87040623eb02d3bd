"""Per-workspace governance settings: escalation thresholds, triage group and SLAs."""

from __future__ import annotations

from django.db import models

from leadline.workspaces.models import Person, Workspace


class GovernanceSettings(models.Model):
    """Thresholds for escalation rules and the decision framework's triage group (one per workspace)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="governance_settings"
    )
    risk_unmitigated_days = models.PositiveIntegerField(
        default=7, help_text="Escalate a risk still without a mitigation plan after this many days"
    )
    dependency_grace_days = models.PositiveIntegerField(
        default=0,
        help_text="Escalate an undelivered dependency this many days after its need-by date",
    )
    review_grace_days = models.PositiveIntegerField(
        default=0, help_text="Escalate an item this many days after its review date passed"
    )
    missing_owner_days = models.PositiveIntegerField(
        default=1, help_text="Escalate an open item without an owner after this many days"
    )
    triage_sla_hours = models.PositiveIntegerField(
        default=48, help_text="Hours the triage group has to decide a cross-domain decision"
    )
    domain_sla_hours = models.PositiveIntegerField(
        default=120, help_text="Hours a domain's decider has to decide a single-domain decision"
    )
    triage_group = models.ManyToManyField(Person, blank=True, related_name="triage_groups")

    class Meta:
        verbose_name_plural = "governance settings"

    def __str__(self) -> str:
        return f"Governance settings of {self.workspace}"
