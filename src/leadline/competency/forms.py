"""Forms of the competency pages, with the same limits as the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from leadline.web.validators import bound_date_field
from leadline.widgets import DateInput

from .models import MAX_EVIDENCE, Assessment, Goal
from .plan import MAX_GOALS


class StartForm(forms.Form):
    title = forms.CharField(max_length=Assessment._meta.get_field("title").max_length,
                            required=False, help_text="Empty: “Self-assessment” and the date.")  # fmt: skip


class GoalForm(forms.Form):
    competency = forms.ChoiceField(choices=())
    text = forms.CharField(max_length=Goal._meta.get_field("text").max_length, label="Goal",
                           help_text="What you will do, so that someone could see it done.")  # fmt: skip
    review_on = forms.DateField(widget=DateInput(), label="Review on")

    def __init__(self, *args: Any, choices: list[tuple[str, str]], open_goals: int,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = choices  # type: ignore[attr-defined]
        self.open_goals = open_goals
        bound_date_field(self.fields["review_on"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.open_goals >= MAX_GOALS:
            raise ValidationError(
                f"A development plan has at most {MAX_GOALS} open goals; finish or remove one first."
            )
        return data


class ShareForm(forms.Form):
    user = forms.CharField(max_length=150, label="Username",
                           help_text="A member of this workspace who may read this assessment.")  # fmt: skip


class RatersForm(forms.Form):
    raters = forms.CharField(max_length=2000, label="Usernames",
                             help_text="Members to ask for feedback, separated by commas.")  # fmt: skip


class EditCompetencyForm(forms.Form):
    name = forms.CharField(max_length=300)
    summary = forms.CharField(max_length=300, required=False)
    level_1 = forms.CharField(max_length=300, label="Level 1")
    level_2 = forms.CharField(max_length=300, label="Level 2")
    level_3 = forms.CharField(max_length=300, label="Level 3")
    level_4 = forms.CharField(max_length=300, label="Level 4")
    level_5 = forms.CharField(max_length=300, label="Level 5")
    note = forms.CharField(max_length=300, required=False, label="What changed")


def posted_levels(post: Any, keys: list[str], *, evidence: bool) -> list[dict[str, Any]]:
    """Read ``level_<key>`` (and ``evidence_<key>``) fields; a level that is not a whole number
    is a ValidationError naming the level."""
    rows = []
    for key in keys:
        raw = (post.get(f"level_{key}") or "").strip()
        try:
            level = int(raw) if raw else None
        except ValueError:
            raise ValidationError({"level": [f"{raw!r} is not a level; use 1 to 5."]}) from None
        row: dict[str, Any] = {"competency": key, "level": level}
        if evidence:
            row["evidence"] = (post.get(f"evidence_{key}") or "")[: MAX_EVIDENCE + 1]
        rows.append(row)
    return rows
