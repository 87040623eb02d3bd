"""Carry the page's scope (the team chosen in the top bar) in links and GET forms.

The team lives in the URL (``?team=slug``) and nowhere else, so every link that should keep it
adds it, and every GET form sends it back (see docs/workspaces.md, "Scope in the URL").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def _team_slug(context: Any) -> str:
    team = context.get("team")
    return str(getattr(team, "slug", "") or "")


@register.simple_tag(takes_context=True)
def scoped(context: Any, url: str) -> str:
    """Return ``url`` with the current team added (``?team=`` or ``&team=``); unchanged for
    all teams or when the URL already names a team (or teams)."""
    slug = _team_slug(context)
    base, _, anchor = url.partition("#")
    query = base.partition("?")[2]
    if not slug or any(p.split("=")[0] in {"team", "teams"} for p in query.split("&") if p):
        return url
    joiner = "" if base.endswith(("?", "&")) else ("&" if "?" in base else "?")
    return base + joiner + urlencode({"team": slug}) + (f"#{anchor}" if anchor else "")


@register.simple_tag(takes_context=True)
def scope_fields(context: Any) -> str:
    """Return the hidden input that keeps the current team when a GET form is submitted."""
    slug = _team_slug(context)
    if not slug:
        return ""
    return format_html('<input type="hidden" name="team" value="{}">', slug)


@register.simple_tag(takes_context=True)
def scoped_url(context: Any, name: str, *args: Any) -> str:
    """Return the URL named ``name`` (like ``{% url %}``) with the current team added."""
    return scoped(context, reverse(name, args=args))
