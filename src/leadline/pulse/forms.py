"""The start-a-pulse form, with the service's bounds."""

from __future__ import annotations

from typing import Any

from django import forms

from . import catalog, services
from .models import Pulse


class PulseForm(forms.Form):
    team = forms.ChoiceField(label="Team")
    template = forms.ChoiceField(label="Template", choices=list(catalog.TEMPLATES.items()))
    questions = forms.CharField(
        label="Custom questions (one a line)", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Only for custom questions: up to {services.MAX_QUESTIONS}, answered "
        "strongly disagree to strongly agree.",
    )  # fmt: skip
    schedule = forms.ChoiceField(label="Schedule", choices=Pulse.Schedule.choices,
                                 initial=Pulse.Schedule.FORTNIGHTLY)  # fmt: skip
    open_days = forms.IntegerField(label="Open for (days)", initial=5,
                                   min_value=services.OPEN_DAYS[0], max_value=services.OPEN_DAYS[1])  # fmt: skip

    def __init__(self, *args: Any, teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.slug, t.name) for t in teams]  # type: ignore[attr-defined]

    def question_list(self) -> list[str]:
        return [q.strip() for q in self.cleaned_data.get("questions", "").splitlines() if q.strip()]
