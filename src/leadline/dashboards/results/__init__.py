"""What each dashboard service returns: one declaration that is both the service's result type
and its API route's response schema (and so the OpenAPI description).

The results are ``TypedDict``\\ s: the services build plain dicts (pages, charts, CSV downloads and
the cache read them as dicts), mypy checks them against these declarations, and django-ninja
validates and describes them with pydantic. So:

- fields are declared in the order the JSON lists them (pydantic emits a ``TypedDict``'s keys in
  declaration order; bases first, so a row's head is its first base);
- fixed shapes forbid unknown keys (:func:`fixed`): a key a service adds without declaring it
  fails the API instead of silently vanishing from it;
- a number a service returns as a whole number in one case and a fraction in another is typed
  ``float | int``, so that neither is converted (pydantic would turn ``0`` into ``0.0``).

Rows whose keys are data (the cumulative-flow rows: one key per workflow stage) allow extra keys
of a stated type (``extra_items``).

These must be ``typing_extensions.TypedDict`` (pydantic needs it on Python < 3.12).
"""

from __future__ import annotations

from typing import Literal, TypeVar

from pydantic import ConfigDict, with_config

Tier = Literal["elite", "high", "medium", "low"]
TIER = "DORA 2023 tier (elite, high, medium, low); null without a value or where no tier exists."

T = TypeVar("T", bound=type)


def fixed(cls: T) -> T:
    """Mark a result of fixed shape: unknown keys are an error, not silently dropped."""
    return with_config(ConfigDict(extra="forbid"))(cls)
