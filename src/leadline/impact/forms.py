"""The record-a-change form, with the service's bounds."""

from __future__ import annotations

from typing import Any

from django import forms

from leadline import bounds
from leadline.widgets import DateInput


class ChangeForm(forms.Form):
    title = forms.CharField(label="What changed", max_length=300)
    date = forms.DateField(label="When (announced or started)", widget=DateInput(
        attrs={"min": bounds.EARLIEST_DATE.isoformat(), "max": bounds.LATEST_DATE.isoformat()}))  # fmt: skip
    team = forms.ChoiceField(label="Team", required=False)
    description = forms.CharField(label="Description", required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args: Any, teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All teams")] + [(t.slug, t.name) for t in teams]  # type: ignore[attr-defined]

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        problem = bounds.out_of_range(day)
        if problem:
            raise forms.ValidationError(problem)
        return day
