"""Forms of the decision pages; every choice list is limited to the page's workspace."""

from __future__ import annotations

from typing import Any

from django import forms

from leadline.widgets import SearchableSelectMultiple
from leadline.workspaces.models import Person, Role, Team, Workspace

from .models import DecisionDomain
from .services import MAX_COMMENT


class DecisionForm(forms.Form):
    title = forms.CharField(max_length=300)
    domains = forms.ModelMultipleChoiceField(
        queryset=DecisionDomain.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="One domain goes to its decider; several go to the triage group.",
    )
    context = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    options = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = DecisionDomain.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(workspace=workspace)  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    decision = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="What was decided")
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    consequences = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DomainForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False)
    decider_person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    decider_role = forms.ChoiceField(choices=[("", "—")] + Role.choices, required=False)
    consulted = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), required=False, widget=SearchableSelectMultiple
    )
    informed = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), required=False, widget=SearchableSelectMultiple
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("decider_person", "consulted", "informed"):
            self.fields[name].queryset = Person.objects.filter(workspace=workspace)  # type: ignore[attr-defined]


class InputRequestForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        widget=SearchableSelectMultiple,
        help_text="Each gets a personal link to give their input on this decision only.",
    )
    days = forms.IntegerField(
        min_value=1, required=False, help_text="How long the links work (empty: the default)."
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace, active=True
        )
