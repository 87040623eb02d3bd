"""Every form's dates render as ISO (what <input type="date"> needs) and its multi-selects are
searchable, whatever the site language."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date, datetime

import pytest
from django import forms
from django.utils import translation

import leadline
from leadline.widgets import DateInput, DateTimeInput, SearchableSelectMultiple


def _all_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(leadline.__path__, "leadline."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("leadline."):
            found.append(cls)
    return found


FORMS = _all_forms()


def test_the_sweep_sees_the_forms_with_dates():
    names = {f.__name__ for f in FORMS}
    assert {"RaidForm", "ChangeForm", "ConnectionForm", "PersonForm"} <= names


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_every_date_field_uses_the_iso_widget_and_every_multi_select_is_searchable(form):
    for name, field in form.base_fields.items():
        widget = field.widget
        if isinstance(field, forms.DateTimeField):
            assert isinstance(widget, DateTimeInput), f"{form.__name__}.{name}"
        elif isinstance(field, forms.DateField):
            assert isinstance(widget, DateInput), f"{form.__name__}.{name}"
        if isinstance(widget, forms.SelectMultiple):
            assert isinstance(widget, SearchableSelectMultiple | forms.CheckboxSelectMultiple), (
                f"{form.__name__}.{name} needs Ctrl-click"
            )


def test_a_date_renders_iso_in_a_language_that_writes_dates_day_first():
    class F(forms.Form):
        day = forms.DateField(widget=DateInput())
        at = forms.DateTimeField(widget=DateTimeInput())

    with translation.override("en-gb"):
        html = str(F(initial={"day": date(2027, 1, 4), "at": datetime(2027, 1, 4, 9, 30)}))
        bound = F({"day": "2027-01-04", "at": "2027-01-04T09:30"})
        assert bound.is_valid(), bound.errors
    assert 'type="date"' in html and 'value="2027-01-04"' in html
    assert 'type="datetime-local"' in html and 'value="2027-01-04T09:30"' in html
    assert bound.cleaned_data["day"] == date(2027, 1, 4)
