"""Formatting for the dashboard pages: shares, hours, tiers."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

TIER_BADGE = {"elite": "ok", "high": "ok", "medium": "warn", "low": "bad"}


@register.filter
def share(value: Any, digits: int = 0) -> str:
    """Format 0.317 as "32%" (em dash for no value)."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def hours(value: Any) -> str:
    """Format hours readably: "45 min", "6.4 h", "12.9 days" (em dash for no value)."""
    if value is None or value == "":
        return "—"
    h = float(value)
    if h < 1:
        return f"{h * 60:.0f} min"
    if h < 48:
        return f"{h:.1f} h"
    return f"{h / 24:.1f} days"


@register.filter
def metric(entry: dict[str, Any] | None, unit: str = "") -> str:
    """Format a DORA {value, unit} entry for a table cell."""
    if not entry or entry.get("value") is None:
        return "—"
    value, unit = entry["value"], unit or entry.get("unit", "")
    if unit == "share":
        return share(value)
    if unit == "hours":
        return hours(value)
    return f"{value:.2f}"


@register.filter
def in_unit(entry: dict[str, Any] | None, unit: str | None) -> str:
    """Format a DORA duration entry (its value in hours) in ``unit``: "12.9 days", "6.4 h",
    "45 min"; any other entry as :func:`metric` does (em dash for no value)."""
    if not entry or entry.get("value") is None or unit not in ("days", "hours", "minutes"):
        return metric(entry)
    h = float(entry["value"])
    if unit == "days":
        return f"{h / 24:.1f} days"
    if unit == "hours":
        return f"{h:.1f} h"
    return f"{h * 60:.0f} min"


@register.filter
def tier_badge(tier: str | None) -> str:
    """Return the badge class for a DORA tier."""
    return TIER_BADGE.get(tier or "", "")


@register.filter
def get(mapping: dict[str, Any] | None, key: str) -> Any:
    """Look ``key`` up in ``mapping`` (templates can't index with a variable)."""
    return (mapping or {}).get(key)


@register.filter
def number(value: Any, digits: int = 1) -> str:
    """Format a number with ``digits`` decimals, or an em dash for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{float(value):,.{digits}f}"
