"""Form widgets every Leadline form uses for dates, date-times and multiple choices.

A browser's ``<input type="date">`` only understands ISO dates (2027-01-04). Django renders a
date in the first input format of the active language (en-gb: 04/01/2027), which the browser
cannot show: the field came up empty and saving the form erased the stored date. These widgets
render ISO whatever the language; the form fields still parse ISO (Django always accepts it).
"""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


class DateInput(forms.DateInput):
    """A browser date picker that shows and sends ISO dates."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker (local time, minutes) that shows and sends ISO."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATETIME)


class SearchableSelectMultiple(forms.SelectMultiple):
    """A multiple choice that static/leadline/forms.js turns into a searchable picker (Tom Select).

    Without JavaScript it stays a plain ``<select multiple>``, so the form still works.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"data-searchable": "", **(attrs or {})})
