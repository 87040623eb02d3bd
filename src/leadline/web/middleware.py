"""Show times in the signed-in person's time zone (Settings → Profile).

Times are stored in UTC. Pages show them in the account's own time zone; without one, a
workspace page uses the workspace's (:func:`leadline.web.access.workspace_view`), and any
other page the server's ``LEADLINE_TIME_ZONE``. Which *day* a delivery figure counts in is
always the workspace's, whoever looks (see ``Workspace.tz``).
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from leadline.workspaces.models import Profile


def display_time_zone(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[..., HttpResponse]:
    """Activate the account's display time zone for the request (and reset it after)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        name = ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            name = (
                Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
                or ""
            )
        request.display_time_zone = name  # type: ignore[attr-defined]
        if name:
            timezone.activate(ZoneInfo(name))
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
