"""Forms of the governance pages; every choice list is limited to the page's workspace."""

from __future__ import annotations

from typing import Any

from django import forms

from leadline import bounds
from leadline.web.validators import bound_date_field, bound_number_field
from leadline.web.widgets import DateInput, SearchableSelectMultiple
from leadline.workspaces.models import Person, Role, Team, Workspace

from .changes import samples_problem
from .decisions import MAX_COMMENT, SETTINGS_BOUNDS
from .models import (
    ChangeRequest,
    DecisionDomain,
    GovernanceSettings,
    RaidItem,
)
from .models.agreements import SECTIONS
from .models.raid import KIND_STATUSES
from .raid import DATE_FIELDS, EDITABLE

DATE = DateInput()

# Fields that belong to some kinds of RAID item only; every other field is common to all four.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "risk": (
        "cause",
        "effect",
        "probability",
        "impact",
        "proximity",
        "mitigation",
        "mitigation_actions",
        "trigger",
    ),
    "assumption": ("validate_by",),
    "issue": ("severity", "due_date", "blocker"),
    "dependency": (
        "provider_kind",
        "provider_team",
        "provider_name",
        "needed",
        "need_by",
        "blocker",
    ),
}


class StatusSelect(forms.Select):
    """A status list whose options name the kinds they belong to (forms.js offers only those)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        kinds = [k for k, statuses in KIND_STATUSES.items() if option["value"] in statuses]
        if kinds:
            option["attrs"]["data-kinds"] = " ".join(kinds)
        return option


class RaidForm(forms.ModelForm):
    class Meta:
        model = RaidItem
        fields = ["kind", *EDITABLE]
        widgets = {
            f: DATE for f in ("review_date", "proximity", "validate_by", "due_date", "need_by")
        } | {
            f: forms.Textarea(attrs={"rows": 2})
            for f in (
                "description",
                "cause",
                "effect",
                "mitigation",
                "mitigation_actions",
                "needed",
            )
        }

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Person.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        for name in ("team", "provider_team"):
            self.fields[name].queryset = Team.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        for name in ("probability", "impact"):
            self.fields[name] = forms.TypedChoiceField(
                choices=[("", "—")] + [(n, str(n)) for n in range(1, 6)],
                coerce=int,
                required=False,
                empty_value=None,
                label=name.title(),
            )
        self.fields["status"].required = False
        for name in DATE_FIELDS:
            bound_date_field(self.fields[name])
        if self.instance.pk:
            self.fields["kind"].disabled = True
        self._fields_of_kind()

    def _fields_of_kind(self) -> None:
        """Mark kind-specific fields (fields.html wraps them in data-kinds; forms.js hides the
        other kinds' fields). An item's kind is fixed once logged, so its edit form hides them
        on the server too and offers only that kind's statuses. Hidden inputs are still
        submitted: hiding never erases a stored value."""
        fixed = self.instance.kind if self.instance.pk else None
        for name in {n for names in KIND_FIELDS.values() for n in names}:
            kinds = [k for k, names in KIND_FIELDS.items() if name in names]
            field = self.fields[name]
            field.kinds = " ".join(kinds)  # type: ignore[attr-defined]
            field.kind_hidden = fixed is not None and fixed not in kinds  # type: ignore[attr-defined]
        self.fields["kind"].widget.attrs["data-kind-switch"] = ""
        status = self.fields["status"]
        if fixed in KIND_STATUSES:
            status.choices = [c for c in status.choices if c[0] in KIND_STATUSES[fixed]]  # type: ignore[attr-defined]
        else:
            status.widget = StatusSelect(choices=status.choices)  # type: ignore[attr-defined]

    def data_for_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "kind"}
        if not data.get("status"):
            data.pop("status", None)
        return data


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


class SettingsForm(forms.ModelForm):
    class Meta:
        model = GovernanceSettings
        fields = [
            "triage_group",
            "triage_sla_hours",
            "domain_sla_hours",
            "risk_unmitigated_days",
            "dependency_grace_days",
            "review_grace_days",
            "missing_owner_days",
        ]
        widgets = {"triage_group": SearchableSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["triage_group"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            workspace=self.instance.workspace
        )
        for name, bound in SETTINGS_BOUNDS.items():
            bound_number_field(self.fields[name], bound)


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


class ChannelForm(forms.Form):
    name = forms.CharField(max_length=100)
    url = forms.CharField(
        max_length=1000,
        help_text="An Apprise URL: slack://…, msteams://…, mailto://…, json://host:port/path",
    )
