"""Links to a chart's server-drawn picture: the page's own query plus format and chart."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def chart_image_url(context: dict[str, Any], name: str, fmt: str) -> str:
    """Return "?<the page's filters>&format=FMT&chart=NAME" for the current request."""
    query = context["request"].GET.copy()
    query["format"] = fmt
    query["chart"] = name
    return "?" + query.urlencode()
