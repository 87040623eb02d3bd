"""Name fields and values the way the pages do, never by their code names.

``need_by: 2027-01-04 → —`` becomes "Need by: 2027-01-04 → —"; ``status: in_progress`` becomes
"Status: In progress". Used by the audit log, item histories and error messages.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.utils.text import capfirst

EMPTY = "—"


def model_named(object_type: str) -> type[Model] | None:
    """Return the model whose lower-case name is ``object_type`` (as the audit log stores it)."""
    for model in apps.get_models():
        if model._meta.model_name == object_type:
            return model
    return None


def field_label(
    name: str, model: type[Model] | None = None, labels: dict[str, str] | None = None
) -> str:
    """Return the words for field ``name``: ``labels`` first, then the model's verbose name,
    then the name with its underscores as spaces ("throughput_samples" → "Throughput samples")."""
    if labels and name in labels:
        return labels[name]
    if model is not None:
        try:
            field: Any = model._meta.get_field(name)
            return str(capfirst(getattr(field, "verbose_name", "") or name.replace("_", " ")))
        except FieldDoesNotExist:
            pass
    return capfirst(name.replace("_", " ").strip()) or name


def value_text(value: Any, name: str = "", model: type[Model] | None = None) -> str:
    """Return a stored value in words: a choice by its label, yes/no, lists joined, — for none."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if model is not None and name:
        try:
            field: Any = model._meta.get_field(name)
            choices = dict(getattr(field, "flatchoices", None) or [])
        except FieldDoesNotExist:
            choices = {}
        if value in choices:
            return str(choices[value])
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value)
    return str(value)


def change_rows(changes: Any, model: type[Model] | None = None) -> list[tuple[str, str, str]]:
    """Return a {field: [old, new]} record as (label, old, new) rows in words."""
    if not isinstance(changes, dict):
        return []
    rows = []
    for name, pair in changes.items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append(
            (field_label(name, model), value_text(old, name, model), value_text(new, name, model))
        )
    return rows


def error_lines(
    exc: ValidationError, model: type[Model] | None = None, labels: dict[str, str] | None = None
) -> list[str]:
    """Return a service's ValidationError as lines naming each field in words."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [
        message if field == "__all__" else f"{field_label(field, model, labels)}: {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    ]
