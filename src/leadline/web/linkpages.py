"""The page for a stakeholder link that does not open (no account, so no shell around it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from leadline.workspaces.links import LinkRefused, whom_to_ask

# An expired, revoked or replaced link existed, or what it was for is over (closed): 410 Gone.
# A made-up or altered one: 404.
_STATUS = {"expired": 410, "revoked": 410, "replaced": 410, "closed": 410, "unknown": 404}


def link_refused(request: HttpRequest, refused: LinkRefused) -> HttpResponse:
    """Say why a link does not open and whom to ask for a new one."""
    context = {
        "reason": refused.reason,
        "link": refused.link,
        "workspace_name": refused.workspace.name if refused.workspace else "",
        "ask": whom_to_ask(refused),
    }
    return render(
        request, "leadline/link_refused.html", context, status=_STATUS.get(refused.reason, 404)
    )
