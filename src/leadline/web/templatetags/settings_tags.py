"""The settings area's navigation: only the sections the signed-in person may open."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from leadline.workspaces.models import Role

register = template.Library()

# (url name, label, role needed in the workspace); the first two are the person's own.
SECTIONS = [
    ("settings-profile", "Profile", Role.VIEWER),
    ("settings-password", "Password", Role.VIEWER),
    ("settings-workspace", "Workspace", Role.OWNER),
    ("settings-thresholds", "Escalations & decisions", Role.VIEWER),
    ("settings-members", "Members", Role.OWNER),
]
ACCOUNT_SECTIONS = [("account-profile", "Profile"), ("account-password", "Password")]


@register.simple_tag(takes_context=True)
def settings_sections(context: Any) -> list[dict[str, Any]]:
    """Return [{url, label, active}] for the settings pages this person may open."""
    request = context.get("request")
    current = getattr(getattr(request, "resolver_match", None), "url_name", "")
    access = context.get("access")
    if access is None:
        return [
            {"url": reverse(name), "label": label, "active": name == current, "name": name}
            for name, label in ACCOUNT_SECTIONS
        ]
    slug = access.workspace.slug
    return [
        {"url": reverse(name, args=[slug]), "label": label, "active": name == current, "name": name}
        for name, label, role in SECTIONS
        if access.membership.allows(role)
    ]
