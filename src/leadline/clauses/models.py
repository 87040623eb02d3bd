"""A working-agreement clause linked to a check over the data ("decisions within 48 hours"
against decision latency), judged kept or broken each time it is read."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from leadline.agreements.models import WorkingAgreement
from leadline.workspaces.models import Workspace


class ClauseCheck(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(
        WorkingAgreement, on_delete=models.CASCADE, related_name="clause_checks"
    )
    # The agreement section the clause is in (agreements.models.SECTIONS) and its words.
    section = models.CharField(max_length=32)
    clause = models.CharField(max_length=300)
    # A key of the check-kind registry (leadline.clauses.registry); apps may add kinds.
    kind = models.CharField(max_length=64)
    limit = models.FloatField(help_text="The number the clause names (hours, items, …)")
    window_days = models.PositiveSmallIntegerField(default=28)
    created_at = models.DateTimeField(default=timezone.now)
    created_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        db_table = "clauses_clausecheck"
        ordering = ["agreement_id", "section", "id"]

    def __str__(self) -> str:
        return self.clause
