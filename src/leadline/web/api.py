"""The home page's JSON twin: what needs the caller today in a workspace."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from leadline.dashboards.scope import team_by_slug
from leadline.workspaces.services import access_for

from .today import TodayOut, today_for

router = Router(tags=["home"])


@router.get("/workspaces/{workspace}/today", response=TodayOut)
def today(
    request: HttpRequest,
    workspace: str,
    team: str | None = None,
    who: str | None = Query(None, alias="for"),  # type: ignore[type-arg]
) -> TodayOut:
    """Return what needs the caller today: unread notifications, open alerts, decisions waiting,
    RAID items past their dates, work aging past its team's norm (the home page's sections).

    ``team`` (a slug) narrows to one team; ``for=everyone`` shows the whole workspace; without
    either, the caller's own: decisions routed to them, and the items they own and their teams'.
    """
    access = access_for(request.user, workspace)
    chosen = team_by_slug(access.workspace, team)
    return today_for(access, request.user, team=chosen, everyone=who == "everyone")
