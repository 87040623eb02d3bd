"""The pages the governance apps share: the tab strip's page helper and Settings → Thresholds.

The thresholds page edits the workspace's governance settings: the escalation thresholds, the
triage group and SLAs. They used to be edited on the Alerts and Framework pages; those pages now
show the values and link here, so every threshold is changed in one place.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leadline.web.labels import error_lines
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access, audit

from .forms import SettingsForm
from .services import settings_for


def report(request: HttpRequest, exc: ValidationError) -> None:
    """Show a service's validation errors as messages, each field named in words."""
    for line in error_lines(exc):
        messages.error(request, line)


def page(
    request: HttpRequest, access: Access, template: str, tab: str, **context: Any
) -> HttpResponse:
    """Render a governance page (``template`` names its app: "raid/raid_register.html") with
    the tab strip; the strip's unread-notification count comes from ``notify``'s template tag."""
    context.update(tab=tab)
    return render(request, template, context)


@workspace_view(Role.VIEWER, write=Role.LEAD)
def thresholds(request: HttpRequest, access: Access) -> HttpResponse:
    """Show the thresholds to everyone; leads and owners change them."""
    s = settings_for(access.workspace)
    form = SettingsForm(request.POST or None, instance=s)
    if request.method == "POST" and form.is_valid():
        changed = form.changed_data
        form.save()
        if changed:
            audit(
                access.workspace, request.user, "update", s,
                "Changed escalation and decision settings: " + ", ".join(
                    str(form.fields[name].label) for name in changed
                ),
            )  # fmt: skip
        messages.success(request, "Escalation and decision settings saved.")
        return redirect("settings-thresholds", access.workspace.slug)
    return render(request, "governance/settings.html", {"form": form})
