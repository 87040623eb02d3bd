"""The last check before a Leadline row is saved: values the database cannot store are refused.

PostgreSQL refuses text holding U+0000, text longer than its column and integers outside the
column's range, each as a server error; SQLite stores all three silently, so the same input
behaved differently per database. Every service, page, API call and import that saves a model
instance (``save()``, not bulk writes) passes here and gets a ValidationError naming the field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, models

NUL = "\x00"


def storable_problems(instance: models.Model, using: str = "default") -> dict[str, str]:
    """Return {field: message} for each concrete field value the database cannot store."""
    problems: dict[str, str] = {}
    ops = connections[using].ops
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if isinstance(value, str):
            if NUL in value:
                problems[field.name] = (
                    "Text may not contain the NUL character (U+0000); remove it and try again."
                )
            elif field.max_length and len(value) > field.max_length:
                problems[field.name] = (
                    f"At most {field.max_length:,} characters (this has {len(value):,})."
                )
        elif isinstance(field, models.IntegerField) and isinstance(value, int):
            low, high = ops.integer_field_range(field.get_internal_type())
            if (low is not None and value < low) or (high is not None and value > high):
                problems[field.name] = f"{value:,} is out of range ({low:,} to {high:,})."
    return problems


def refuse_unstorable(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """pre_save receiver: raise ValidationError for a value the database cannot store."""
    if kwargs.get("raw"):  # loading fixtures
        return
    if not sender.__module__.startswith("leadline."):
        return
    problems = storable_problems(instance, kwargs.get("using") or "default")
    if problems:
        raise ValidationError(problems)
