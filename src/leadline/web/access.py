"""The page-side access check: every workspace page goes through :func:`workspace_view`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

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
            request.team = current_team(request, access)  # type: ignore[attr-defined]
            return view(request, access, *args, **kwargs)

        return wrapped

    return decorate


def current_team(request: HttpRequest, access: Access) -> Team | None:
    """Return the team chosen in the switcher (``?team=slug``, remembered per workspace)."""
    key = f"team:{access.workspace.pk}"
    slug = request.GET.get("team")
    if slug is not None:
        if slug == "":
            request.session.pop(key, None)
            return None
        request.session[key] = slug
    slug = request.session.get(key)
    if not slug:
        return None
    team = Team.objects.filter(workspace=access.workspace, slug=slug).first()
    if team is None:
        request.session.pop(key, None)
    return team
