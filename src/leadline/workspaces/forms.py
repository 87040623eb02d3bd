"""Forms for teams, people, functions, members and tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from leadline.widgets import SearchableSelectMultiple

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


def _time_zone_choices(blank: str) -> list[tuple[str, str]]:
    from .services import time_zone_names

    return [("", blank), *((name, name.replace("_", " ")) for name in time_zone_names())]


class WorkspaceSettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    time_zone = forms.ChoiceField(
        required=False,
        help_text="Where the workspace's days start and end: which day a move, a finish or a "
        "deployment counts on, and what “today” is in every figure.",
    )

    def __init__(self, *args: Any, server_time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["time_zone"]
        field.choices = _time_zone_choices(f"The server's ({server_time_zone})")


class ProfileForm(forms.Form):
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(
        max_length=254, required=False, help_text="Password reset links are sent here."
    )
    time_zone = forms.ChoiceField(
        required=False, help_text="Times on every page are shown in this time zone."
    )
    current_password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Needed to change the email.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field: Any = self.fields["time_zone"]
        field.choices = _time_zone_choices("The workspace's")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        changed = (data.get("email") or "").lower() != (self.user.email or "").lower()
        # The email receives password resets: a borrowed session must not be able to move it.
        if changed and not self.user.check_password(data.get("current_password") or ""):
            self.add_error("current_password", "Enter your current password to change the email.")
        return data


class MemberPersonForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, empty_label="— not linked —"
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace, kind=Person.Kind.MEMBER
        )
