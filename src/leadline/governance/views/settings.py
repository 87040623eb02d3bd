"""Settings → Escalations & decisions: the escalation thresholds, the triage group and SLAs.

They used to be edited on the Alerts and Framework pages; those pages now show the values and
link here, so every threshold is changed in one place.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leadline.web.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access, audit

from ..decisions import settings_for
from ..forms import SettingsForm


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
