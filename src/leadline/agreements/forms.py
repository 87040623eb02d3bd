"""Forms of the agreement pages; every choice list is limited to the page's workspace."""

from __future__ import annotations

from typing import Any

from django import forms

from leadline.workspaces.models import Team, Workspace

from .models import SECTIONS


class AgreementForm(forms.Form):
    note = forms.CharField(max_length=300, required=False, help_text="What changed and why")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field, label in SECTIONS:
            self.fields[field] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )


class NewAgreementForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    scope = forms.ChoiceField(choices=[("team", "Team"), ("stakeholders", "Team and stakeholders")])

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
