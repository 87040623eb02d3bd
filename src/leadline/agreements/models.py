"""Working agreements: versioned, per team (or team + its stakeholders), acknowledged by people."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from leadline.workspaces.models import Person, Team, Workspace

# (field, label) of each agreement section, in the order they are shown.
SECTIONS: list[tuple[str, str]] = [
    ("channels", "Communication channels"),
    ("cadence", "Meeting cadence"),
    ("norms", "Norms and tone"),
    ("decision_paths", "Decision paths"),
    ("escalation_routes", "Escalation routes"),
    ("definition_of_done", "Definition of done and acceptance criteria"),
]


class WorkingAgreement(models.Model):
    """The agreement of one team, or of one team with its stakeholder group."""

    class Scope(models.TextChoices):
        TEAM = "team", "Team"
        STAKEHOLDERS = "stakeholders", "Team and stakeholders"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="agreements")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="agreements")
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.TEAM)
    stakeholders = models.ManyToManyField(Person, blank=True, related_name="stakeholder_agreements")
    review_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "governance_workingagreement"  # the table predates the app
        ordering = ["team__name", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["team", "scope"], name="agreement_unique_scope")
        ]

    def __str__(self) -> str:
        suffix = " with stakeholders" if self.scope == self.Scope.STAKEHOLDERS else ""
        return f"{self.team.name}{suffix}"

    @property
    def latest(self) -> AgreementVersion | None:
        return self.versions.order_by("-number").first()


class AgreementVersion(models.Model):
    """One immutable version of an agreement's sections; an edit makes a new one."""

    agreement = models.ForeignKey(
        WorkingAgreement, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    channels = models.TextField(blank=True)
    cadence = models.TextField(blank=True)
    norms = models.TextField(blank=True)
    decision_paths = models.TextField(blank=True)
    escalation_routes = models.TextField(blank=True)
    definition_of_done = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="What changed and why")
    created_at = models.DateTimeField(default=timezone.now)
    created_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        db_table = "governance_agreementversion"  # the table predates the app
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    def sections(self) -> list[tuple[str, str, str]]:
        """Return (field, label, text) for each section."""
        return [(f, label, getattr(self, f)) for f, label in SECTIONS]


class Acknowledgement(models.Model):
    """A person confirmed they read and accept one version."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="acknowledgements")
    at = models.DateTimeField(default=timezone.now)
    via_link = models.BooleanField(default=False)

    class Meta:
        db_table = "governance_acknowledgement"  # the table predates the app
        constraints = [
            models.UniqueConstraint(fields=["version", "person"], name="ack_unique_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} acknowledged {self.version}"
