"""Template filters of the cadence pages."""

from __future__ import annotations

from django import template

from leadline.cadence.recurrence import describe

register = template.Library()


@register.filter
def rule_in_words(rule: str) -> str:
    """An RFC 5545 rule in plain words ("Every other week on Thursday"), or the rule itself."""
    return describe(rule)
