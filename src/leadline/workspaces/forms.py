"""Forms for teams, people, functions, members and tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from leadline.web.widgets import SearchableSelectMultiple

from .models import Function, Person, Role, Team, Workspace


class TeamForm(forms.Form):
    name = forms.CharField(max_length=200)
    group = forms.CharField(max_length=200, required=False, help_text="e.g. Product or IT")


class PersonForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    title = forms.CharField(max_length=200, required=False)
    kind = forms.ChoiceField(choices=Person.Kind.choices, initial=Person.Kind.MEMBER)
    function = forms.ModelChoiceField(queryset=Function.objects.none(), required=False)
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(), required=False, widget=SearchableSelectMultiple
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this workspace's functions and teams can be chosen.
        self.fields["function"].queryset = Function.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["teams"].queryset = Team.objects.filter(workspace=workspace)  # type: ignore[attr-defined]


class FunctionForm(forms.Form):
    name = forms.CharField(max_length=100)


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)

    def clean_username(self) -> Any:
        username = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(
                f"No account named '{username}'. Create it with `leadline createuser {username}`."
            )
        return user


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, initial="API token")
