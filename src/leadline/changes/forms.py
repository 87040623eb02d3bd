"""The change request form; every choice list is limited to the page's workspace."""

from __future__ import annotations

from typing import Any

from django import forms

from leadline import bounds
from leadline.decisions.models import DecisionDomain
from leadline.raid.models import RaidItem
from leadline.web.validators import bound_date_field, bound_number_field
from leadline.widgets import DateInput, SearchableSelectMultiple
from leadline.workspaces.models import Person, Team, Workspace

from .models import ChangeRequest
from .services import samples_problem

DATE = DateInput()


def _samples_valid(value: str) -> None:
    problem = samples_problem(value or "")
    if problem:
        raise forms.ValidationError(problem)


class ChangeForm(forms.ModelForm):
    class Meta:
        model = ChangeRequest
        fields = [
            "title",
            "description",
            "team",
            "requested_by",
            "urgency",
            "added_items",
            "scope_source",
            "scope_epics",
            "scope_items",
            "remaining_items",
            "target_date",
            "throughput_samples",
            "domains",
            "raid_items",
        ]
        labels = {
            "scope_source": "Remaining scope (without the change) from",
            "scope_epics": "Epics",
            "scope_items": "Work items",
            "remaining_items": "Remaining items",
            "raid_items": "RAID items it touches",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "scope_items": forms.Textarea(attrs={"rows": 2}),
            "target_date": DATE,
            "domains": forms.CheckboxSelectMultiple,
            "raid_items": SearchableSelectMultiple,
        }

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields
        f["team"].queryset = Team.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        f["requested_by"].queryset = Person.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        f["domains"].queryset = DecisionDomain.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        f["raid_items"].queryset = RaidItem.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        bound_number_field(f["added_items"], bounds.ITEMS)
        bound_number_field(f["remaining_items"], bounds.ITEMS)
        f["throughput_samples"].validators.append(_samples_valid)
        bound_date_field(f["target_date"])
        self._scope_fields()

    def _scope_fields(self) -> None:
        """Make the scope source a required choice (default: the team's current sprint) and
        show only the fields it reads (forms.js; without JavaScript all of them show)."""
        source = self.fields["scope_source"]
        source.required = True
        source.choices = ChangeRequest.ScopeSource.choices  # type: ignore[attr-defined]
        source.widget.attrs["data-kind-switch"] = ""
        cr = self.instance
        if cr.pk and not cr.scope_source and cr.remaining_items is not None:
            self.initial["scope_source"] = ChangeRequest.ScopeSource.MANUAL
        elif not cr.pk:
            self.initial.setdefault("scope_source", ChangeRequest.ScopeSource.SPRINT)
        for name, kind in (
            ("scope_epics", "epics"),
            ("scope_items", "items"),
            ("remaining_items", "manual"),
        ):
            self.fields[name].kinds = kind  # type: ignore[attr-defined]
