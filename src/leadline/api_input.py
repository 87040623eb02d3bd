"""What an API request body may hold: the base of every input schema and bounded field types.

Input schemas are plain pydantic models, not ninja ``Schema``: a ``Schema`` reads any object
attribute by attribute (for ORM objects), so a body of ``"hello world"`` became a decision
titled "Hello World" (``str.title``) and ``[null, null]`` an empty, accepted change. Here a
body must be a JSON object with only the declared fields, and every text, number and date
carries the limit the server enforces, so the OpenAPI description states it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.db import models
from django.utils import timezone
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from leadline import bounds


class Input(BaseModel):
    """A request body: a JSON object with only the declared fields."""

    model_config = ConfigDict(extra="forbid")

    def dict(self, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        """Return the fields as a dict (``exclude_unset`` etc. as ``model_dump``)."""
        return self.model_dump(**kwargs)


# The default of a PATCH field that may be left out but not sent as null: ``title: str = KEEP``
# declares a string (null is refused); leaving it out keeps the stored value (exclude_unset).
KEEP: Any = None


def _plausible(value: date) -> date:
    problem = bounds.date_problem(value, timezone.localdate())
    if problem:
        raise ValueError(problem)
    return value


# A date a person enters: from bounds.FIRST_DATE to bounds.YEARS_AHEAD years after today.
PlausibleDate = Annotated[
    date, AfterValidator(_plausible), Field(description=f"ISO date, {bounds.DATE_RULE}.")
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
