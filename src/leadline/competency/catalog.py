"""The shipped Technology Delivery Leadership model (``model.yaml``) and the checks any copy of
it must pass: four cornerstones, stable keys, five level texts per competency."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError

PATH = Path(__file__).with_name("model.yaml")
CORNERSTONES = ("craft", "delivery", "business", "people")
MAX_TEXT = 300  # a level's, name's or summary's length


@cache
def _shipped() -> dict[str, Any]:
    raw = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    data = {
        "name": raw["name"],
        "edition": str(raw["edition"]),
        "levels": {str(k): str(v) for k, v in raw["levels"].items()},
        "cornerstones": raw["cornerstones"],
    }
    check(data)
    return data


def shipped() -> dict[str, Any]:
    """Return a fresh copy of the model Leadline ships (callers may change it)."""
    return copy.deepcopy(_shipped())


def check(data: dict[str, Any]) -> None:
    """Raise ValidationError (naming the place) unless ``data`` is a well-formed model."""
    keys = [c.get("key") for c in data.get("cornerstones", [])]
    if tuple(keys) != CORNERSTONES:
        raise ValidationError(
            {"cornerstones": [f"The cornerstones are {', '.join(CORNERSTONES)}."]}
        )
    if sorted(data.get("levels", {})) != ["1", "2", "3", "4", "5"]:
        raise ValidationError({"levels": ["The model has five levels, 1 to 5."]})
    seen: set[str] = set()
    for corner in data["cornerstones"]:
        if not corner.get("competencies"):
            raise ValidationError({corner["key"]: ["A cornerstone needs at least one competency."]})
        for comp in corner["competencies"]:
            key = comp.get("key", "")
            if not key or key in seen:
                raise ValidationError({"key": [f"Competency key {key!r} is empty or repeated."]})
            seen.add(key)
            texts = comp.get("levels", [])
            if len(texts) != 5 or not all(isinstance(t, str) and t.strip() for t in texts):
                raise ValidationError({key: ["Describe each of the five levels."]})
            for text in [comp.get("name", ""), comp.get("summary", ""), *texts]:
                if len(text) > MAX_TEXT:
                    raise ValidationError({key: [f"Keep each text to {MAX_TEXT} characters."]})


def competencies(data: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return {competency key: (cornerstone key, competency)} in the model's order."""
    return {
        comp["key"]: (corner["key"], comp)
        for corner in data["cornerstones"]
        for comp in corner["competencies"]
    }
