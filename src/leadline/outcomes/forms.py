"""The outcomes forms (KPI, value, CSV import, milestone, benefit, deleting a milestone), with
the services' bounds.

The services validate again (the API and the CLI do not go through these forms)."""

from __future__ import annotations

from typing import Any

from django import forms

from leadline.web.validators import bound_date_field
from leadline.widgets import DateInput, SearchableSelectMultiple

from . import sources
from .models import Kpi, Milestone


class KpiForm(forms.Form):
    name = forms.CharField(max_length=200)
    definition = forms.CharField(max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    unit = forms.CharField(max_length=40, required=False)
    direction = forms.ChoiceField(choices=Kpi.Direction.choices)
    kind = forms.ChoiceField(choices=Kpi.Kind.choices)
    functions = forms.MultipleChoiceField(required=False, widget=SearchableSelectMultiple(),
                                          help_text="Owned by two or more: shared.")  # fmt: skip
    teams = forms.MultipleChoiceField(required=False, widget=SearchableSelectMultiple())
    target_value = forms.FloatField(required=False, min_value=-1e12, max_value=1e12)
    target_date = forms.DateField(required=False, widget=DateInput())
    source = forms.ChoiceField()
    contributes_to = forms.ChoiceField(required=False, label="Contributes to",
                                       help_text="The outcome this KPI serves.")  # fmt: skip
    conflicts_with = forms.MultipleChoiceField(
        required=False,
        widget=SearchableSelectMultiple(),
        label="Pulls against",
        help_text="KPIs known to pull against this one.",
    )
    measures = forms.CharField(max_length=64, required=False, label="Measured quantity",
                               help_text="A short key; two KPIs on the same quantity in opposite "
                               "directions pull against each other.")  # fmt: skip
    active_from = forms.DateField(required=False, widget=DateInput())
    active_until = forms.DateField(required=False, widget=DateInput(), label="Retired from")

    def __init__(self, *args: Any, workspace: Any, kpi: Kpi | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["functions"].choices = [(f.pk, f.name) for f in workspace.functions.all()]
        fields["teams"].choices = [(t.slug, t.name) for t in workspace.teams.all()]
        others = [(k.pk, k.name) for k in Kpi.objects.filter(workspace=workspace)
                  if kpi is None or k.pk != kpi.pk]  # fmt: skip
        fields["contributes_to"].choices = [("", "— none —"), *others]
        fields["conflicts_with"].choices = others
        fields["source"].choices = sources.choices()

    def data_for_service(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["contributes_to"] = d.get("contributes_to") or None
        return d


def kpi_initial(kpi: Kpi) -> dict[str, Any]:
    return {
        "name": kpi.name, "definition": kpi.definition, "unit": kpi.unit,
        "direction": kpi.direction, "kind": kpi.kind,
        "functions": [f.pk for f in kpi.functions.all()],
        "teams": [t.slug for t in kpi.teams.all()], "target_value": kpi.target_value,
        "target_date": kpi.target_date, "source": kpi.source,
        "contributes_to": kpi.contributes_to_id or "",
        "conflicts_with": [k.pk for k in kpi.conflicts_with.all()], "measures": kpi.measures,
        "active_from": kpi.active_from, "active_until": kpi.active_until,
    }  # fmt: skip


class ValueForm(forms.Form):
    date = forms.DateField(widget=DateInput())
    value = forms.FloatField(min_value=-1e12, max_value=1e12)


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="Columns kpi,date,value (the KPI by id or "
                           "name); on a KPI's page date,value.")  # fmt: skip


class MilestoneForm(forms.Form):
    name = forms.CharField(max_length=200)
    target_date = forms.DateField(widget=DateInput())
    epic_key = forms.CharField(max_length=64, required=False, label="Epic key")
    item_keys = forms.CharField(required=False, label="Or its items' keys",
                                widget=forms.Textarea(attrs={"rows": 2}),
                                help_text="Comma or line separated.")  # fmt: skip
    teams = forms.MultipleChoiceField(required=False, widget=SearchableSelectMultiple(),
                                      help_text="Whose throughput forecasts it (none: all).")  # fmt: skip

    def __init__(self, *args: Any, workspace: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["teams"].choices = [(t.slug, t.name) for t in workspace.teams.all()]
        bound_date_field(fields["target_date"])


def milestone_initial(m: Milestone) -> dict[str, Any]:
    return {"name": m.name, "target_date": m.target_date, "epic_key": m.epic_key,
            "item_keys": "\n".join(m.item_keys), "teams": [t.slug for t in m.teams.all()]}  # fmt: skip


class BenefitForm(forms.Form):
    description = forms.CharField(max_length=300)
    outcome = forms.CharField(max_length=2000, required=False, label="Observable outcome",
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    rationale = forms.CharField(max_length=2000, required=False,
                                label="Why the work is expected to cause it",
                                widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    kpi = forms.ChoiceField(label="Measured by (KPI)")
    disbenefit = forms.BooleanField(
        required=False, label="Dis-benefit (an expected negative effect)"
    )
    points = forms.CharField(
        label="Expected values",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line: date,value[,milestone name] — e.g. 2027-03-01,14,Release 2.",
    )

    def __init__(self, *args: Any, workspace: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["kpi"].choices = [(k.pk, k.name) for k in Kpi.objects.filter(workspace=workspace)]
        self.workspace = workspace

    def clean_points(self) -> list[tuple[Any, Any, int | None]]:
        """Each line's date, value and milestone, every problem named by its line and column
        with the service's own bounds."""
        from django.core.exceptions import ValidationError

        from .services import _date, _number, today

        milestones = list(Milestone.objects.filter(workspace=self.workspace))
        exact = {m.name: m.pk for m in milestones}
        folded: dict[str, list[int]] = {}
        for row in milestones:
            folded.setdefault(row.name.lower(), []).append(row.pk)
        day = today(self.workspace)
        out, problems = [], []
        for n, line in enumerate(self.cleaned_data["points"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",", 2)]
            if len(parts) < 2:
                problems.append(f"Line {n}: write date,value[,milestone].")
                continue
            try:
                d = _date(parts[0], "date", day)
                v = _number(parts[1], "value")
            except ValidationError as exc:
                problems += [f"Line {n}, {field}: {' '.join(messages)}"
                             for field, messages in exc.message_dict.items()]  # fmt: skip
                continue
            m = None
            if len(parts) > 2 and parts[2]:
                found = [exact[parts[2]]] if parts[2] in exact else folded.get(parts[2].lower(), [])
                if len(found) != 1:
                    problems.append(f"Line {n}, milestone: no milestone {parts[2]!r}."
                                    if not found else f"Line {n}, milestone: several milestones "
                                    f"are named {parts[2]!r} (in other letter cases); write it "
                                    "exactly.")  # fmt: skip
                    continue
                m = found[0]
            out.append((d, v, m))
        if problems:
            raise forms.ValidationError(problems)
        return out


def _number_text(value: float) -> str:
    """A stored value as typed back: 14 not 14.0, and every digit kept (saving the form again
    must give the same number)."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def benefit_initial(b: Any) -> dict[str, Any]:
    names = dict(Milestone.objects.filter(workspace=b.workspace).values_list("pk", "name"))
    lines = [",".join([p.day.isoformat(), _number_text(p.value)]
                      + ([names[p.milestone_id]] if p.milestone_id in names else []))
             for p in b.points.order_by("day")]  # fmt: skip
    return {"description": b.description, "outcome": b.outcome, "rationale": b.rationale,
            "kpi": b.kpi_id, "disbenefit": b.disbenefit, "points": "\n".join(lines)}  # fmt: skip


class MilestoneDeleteForm(forms.Form):
    move_to = forms.ChoiceField(
        required=False,
        label="Its benefits' expected values",
        help_text="Tie them to another milestone, or leave them untied: they stay on the "
        "roadmap, no longer moved by a slip.",
    )

    def __init__(self, *args: Any, workspace: Any, milestone: Milestone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Milestone.objects.filter(workspace=workspace).exclude(pk=milestone.pk)
        fields: Any = self.fields
        fields["move_to"].choices = [("", "leave them untied")] + [
            (m.pk, f"tie them to {m.name}") for m in others
        ]
