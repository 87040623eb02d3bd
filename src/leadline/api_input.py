"""What an API request body may hold: the base of every input schema and bounded field types.

Input schemas are plain pydantic models, not ninja ``Schema``: a ``Schema`` reads any object
attribute by attribute (for ORM objects), so a body of ``"hello world"`` became a decision
titled "Hello World" (``str.title``) and ``[null, null]`` an empty, accepted change. Here a
body must be a JSON object with only the declared fields, and every text, number and date
carries the limit the server enforces, so the OpenAPI description states it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.db import models
from django.utils import timezone
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from leadline import bounds


class Input(BaseModel):
    """A request body: a JSON object with only the declared fields, no text holding U+0000."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store U+0000 (it was a 500 on every text field) and no one types it.
        if _holds_nul(value):
            raise ValueError(NUL_MESSAGE)
        return value

    def dict(self, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        """Return the fields as a dict (``exclude_unset`` etc. as ``model_dump``)."""
        return self.model_dump(**kwargs)


# The default of a PATCH field that may be left out but not sent as null: ``title: str = KEEP``
# declares a string (null is refused); leaving it out keeps the stored value (exclude_unset).
KEEP: Any = None


NUL_MESSAGE = "Text may not contain the NUL character (U+0000); remove it and try again."


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set):
        return any(_holds_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    return False


def _plausible(value: date) -> date:
    problem = bounds.date_problem(value, timezone.localdate())
    if problem:
        raise ValueError(problem)
    return value


# A date a person enters: from bounds.FIRST_DATE to bounds.YEARS_AHEAD years after today.
PlausibleDate = Annotated[
    date, AfterValidator(_plausible), Field(description=f"ISO date, {bounds.DATE_RULE}.")
]


def _iso_text(value: Any) -> Any:
    # pydantic reads a number as seconds since 1970: {"as_of": 0} was a pack as of 1970.
    if not isinstance(value, str | datetime):
        raise ValueError("expected an ISO 8601 date-time such as 2026-12-07T09:30:00Z")
    return value


def _plausible_moment(value: datetime) -> datetime:
    _plausible(value.date())
    return value


# A moment a person enters: ISO 8601 text, on a date from FIRST_DATE to YEARS_AHEAD years ahead.
PlausibleDateTime = Annotated[
    datetime,
    BeforeValidator(_iso_text),
    AfterValidator(_plausible_moment),
    Field(description=f"ISO 8601 date-time, {bounds.DATE_RULE}."),
]


def number(bound: bounds.Bound, description: str = "") -> Any:
    """Return a pydantic Field limited to ``bound`` (for ``Annotated[int, number(...)]``)."""
    unit = f" ({bound.unit})" if bound.unit else ""
    text = f"{description} {bound.low:,} to {bound.high:,}{unit}.".strip()
    return Field(ge=bound.low, le=bound.high, description=text)


Id = Annotated[int, Field(ge=bounds.ID.low, le=bounds.ID.high)]


def text(model: type[models.Model], field: str) -> Any:
    """Return a pydantic Field limited to the model column's max length (none for a TextField)."""
    length = model._meta.get_field(field).max_length  # type: ignore[union-attr]
    return Field(max_length=length) if length else Field()


def in_workspace(model: type[models.Model], workspace: Any, field: str, **lookup: Any) -> Any:
    """Return the workspace's ``model`` row matching ``lookup``; none (or another workspace's)
    is a 422 naming the body field, not a 404 (the address was found; the body is wrong)."""
    from django.core.exceptions import ValidationError

    row = model._default_manager.filter(workspace=workspace, **lookup).first()
    if row is None:
        value = ", ".join(str(v) for v in lookup.values())
        raise ValidationError(
            {field: f"No {model._meta.verbose_name} {value!r} in this workspace."}
        )
    return row
