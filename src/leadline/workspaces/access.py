"""The page-side access check: every workspace page goes through :func:`workspace_view`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from leadline.workspaces.models import Role, Team
from leadline.workspaces.services import Access, access_for

View = Callable[..., HttpResponse]


def workspace_view(role: str = Role.VIEWER, *, write: str | None = None) -> Callable[[View], View]:
    """Wrap a view taking ``(request, access, ...)`` with sign-in and workspace checks.

    ``role`` is needed to see the page; ``write`` (if given) is needed for any POST. A workspace
    the user does not belong to is a 404, a role too low for the page or the POST is a 403.
    """

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, ws: str, *args: Any, **kwargs: Any) -> HttpResponse:
            needed = write if (write and request.method == "POST") else role
            access = access_for(request.user, ws, needed)
            request.access = access  # type: ignore[attr-defined]
            if not getattr(request, "display_time_zone", ""):
                timezone.activate(ZoneInfo(access.workspace.tz))  # reset by the middleware
            request.team = current_team(request, access)  # type: ignore[attr-defined]
            return view(request, access, *args, **kwargs)

        return wrapped

    return decorate


def current_team(request: HttpRequest, access: Access) -> Team | None:
    """Return the team the URL names (``?team=slug``); no team (or an empty one) is all teams.

    Scope lives in the URL only: nothing is remembered between pages, so a copied link shows
    what its sender saw, and links and forms carry the team on (``web/templatetags/scope_tags``).
    An unknown slug is reported and all teams are shown.
    """
    slug = request.GET.get("team")
    if not slug:
        return None
    team = Team.objects.filter(workspace=access.workspace, slug=slug).first()
    if team is None:
        messages.warning(
            request, f"There is no team “{slug}” in {access.workspace.name}; showing all teams."
        )
    return team
