"""The RAID item form; every choice list is limited to the page's workspace."""

from __future__ import annotations

from typing import Any

from django import forms

from leadline.web.validators import bound_date_field
from leadline.widgets import DateInput
from leadline.workspaces.models import Person, Team, Workspace

from .models import KIND_STATUSES, RaidItem
from .services import DATE_FIELDS, EDITABLE

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
