"""The governance settings form (Settings → Thresholds)."""

from __future__ import annotations

from typing import Any

from django import forms

from leadline.web.validators import bound_number_field
from leadline.widgets import SearchableSelectMultiple
from leadline.workspaces.models import Person

from .models import GovernanceSettings
from .services import SETTINGS_BOUNDS


class SettingsForm(forms.ModelForm):
    class Meta:
        model = GovernanceSettings
        fields = [
            "triage_group",
            "triage_sla_hours",
            "domain_sla_hours",
            "risk_unmitigated_days",
            "dependency_grace_days",
            "review_grace_days",
            "missing_owner_days",
        ]
        widgets = {"triage_group": SearchableSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["triage_group"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            workspace=self.instance.workspace
        )
        for name, bound in SETTINGS_BOUNDS.items():
            bound_number_field(self.fields[name], bound)
