"""Django validators and form helpers over :mod:`leadline.bounds` (the one place the limits live)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from leadline import bounds


def plausible_date(value: date | None) -> None:
    """Raise ValidationError for a date outside :data:`bounds.FIRST_DATE` .. today + 20 years."""
    if value is None:
        return
    problem = bounds.date_problem(value, timezone.localdate())
    if problem:
        raise ValidationError(problem, code="implausible_date")


def in_bound(bound: bounds.Bound) -> Any:
    """Return a validator refusing whole numbers outside ``bound``, with its message."""

    def check(value: int | None) -> None:
        problem = None if value is None else bound.problem(int(value))
        if problem:
            raise ValidationError(problem, code="out_of_range")

    return check


def bound_date_field(field: forms.Field) -> None:
    """Limit a form's date field to plausible dates (validator and the input's min/max)."""
    field.validators.append(plausible_date)
    field.widget.attrs.update(
        min=bounds.FIRST_DATE.isoformat(), max=bounds.last_date(timezone.localdate()).isoformat()
    )


def bound_number_field(field: forms.Field, bound: bounds.Bound) -> None:
    """Limit a form's number field to ``bound`` (validator and the input's min/max)."""
    field.validators.append(in_bound(bound))
    field.widget.attrs.update(min=bound.low, max=bound.high)
