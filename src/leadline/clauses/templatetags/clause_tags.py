"""``{% clause_checks agreement %}``: the agreement page's card of checked clauses, kept or
broken with the evidence (the agreements app loads it; it never imports this app)."""

from __future__ import annotations

from typing import Any

from django import template

from leadline.agreements.models import SECTIONS

from .. import registry
from ..services import clauses_of

register = template.Library()


@register.inclusion_tag("clauses/_clauses.html", takes_context=True)
def clause_checks(context: Any, agreement: Any, back: str = "") -> dict[str, Any]:
    return {
        "a": agreement,
        "rows": clauses_of(agreement),
        "kinds": registry.kinds(),
        "sections": SECTIONS,
        "access": context.get("access"),
        "workspace": context.get("workspace"),
        "back": back,
        "csrf_token": context.get("csrf_token"),
    }
