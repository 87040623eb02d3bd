"""Forms of the retrospective pages, with the same limits as the services."""

from __future__ import annotations

from typing import Any

from django import forms

from leadline import bounds
from leadline.web.validators import bound_date_field, bound_number_field
from leadline.widgets import DateInput
from leadline.workspaces.models import Person, Team, Workspace

from .formats import FORMATS
from .models import Action, Card, Retro


class NewRetroForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), to_field_name="slug")
    format = forms.ChoiceField(choices=[(k, f.title) for k, f in FORMATS.items()])
    title = forms.CharField(max_length=Retro._meta.get_field("title").max_length, required=False,
                            help_text="Empty: the team's name and the date.")  # fmt: skip
    held_on = forms.DateField(required=False, widget=DateInput(), label="Held on")
    facilitator = forms.ModelChoiceField(queryset=Person.objects.none(), required=False,
                                         help_text="A person of the team who runs this board.")  # fmt: skip
    votes_per_person = forms.IntegerField(initial=3, label="Votes per person")

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["facilitator"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace, kind=Person.Kind.MEMBER, active=True
        )
        bound_date_field(self.fields["held_on"])
        bound_number_field(self.fields["votes_per_person"], bounds.RETRO_VOTES)


class CardForm(forms.Form):
    column = forms.CharField(max_length=32)
    text = forms.CharField(max_length=Card._meta.get_field("text").max_length,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    anonymous = forms.BooleanField(required=False, label="Anonymous (no author is kept)")


class ActionForm(forms.Form):
    title = forms.CharField(max_length=Action._meta.get_field("title").max_length, label="Action")
    owner = forms.ModelChoiceField(queryset=Person.objects.none())
    due_on = forms.DateField(widget=DateInput(), label="Due on")

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team.people.filter(active=True).order_by("name")  # type: ignore[attr-defined]
        bound_date_field(self.fields["due_on"])
