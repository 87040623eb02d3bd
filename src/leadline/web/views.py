"""Shell pages: home, workspace home (what needs me today), audit log, health check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from leadline.jobs.heartbeat import worker_state
from leadline.jobs.models import Job
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import AuditEvent, Person
from leadline.workspaces.services import Access, create_workspace, workspaces_for
from leadline.workspaces.twins import json_twin

from .labels import change_rows, model_named
from .today import today_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their first workspace, or offer to create one."""
    workspaces = list(workspaces_for(request.user))
    if len(workspaces) >= 1 and request.method == "GET" and "choose" not in request.GET:
        return redirect("workspace-home", workspaces[0].slug)
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        if not name:
            messages.error(request, "Give the workspace a name.")
        else:
            try:
                workspace = create_workspace(name, request.user)
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
            else:
                messages.success(request, f"Created {workspace.name}. Add your teams next.")
                return redirect("people", workspace.slug)
    return render(request, "leadline/home.html", {"workspaces_list": workspaces})


@workspace_view()
@json_twin("/workspaces/{workspace}/today")
def workspace_home(request: HttpRequest, access: Access) -> HttpResponse:
    """Show what needs the person today (:mod:`.today`), then the workspace at a glance.

    ``?team=`` shows one team's today, ``?for=everyone`` the whole workspace's; without either,
    the person's own (their decisions, items and teams).
    """
    ws = access.workspace
    people = Person.objects.filter(workspace=ws)
    context = {
        "today": today_for(
            access,
            request.user,
            team=getattr(request, "team", None),
            everyone=request.GET.get("for") == "everyone",
        ),
        "team_count": ws.teams.count(),
        "member_count": people.filter(kind=Person.Kind.MEMBER).count(),
        "stakeholder_count": people.filter(kind=Person.Kind.STAKEHOLDER).count(),
        "recent_jobs": Job.objects.filter(workspace=ws)[:5],
        "recent_audit": AuditEvent.objects.filter(workspace=ws).select_related("actor")[:8],
    }
    return render(request, "leadline/workspace_home.html", context)


@workspace_view()
@json_twin("/workspaces/{workspace}/audit")
def audit_log(request: HttpRequest, access: Access) -> HttpResponse:
    """List who changed what in this workspace, newest first, 50 to a page."""
    events = AuditEvent.objects.filter(workspace=access.workspace).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for event in page.object_list:
        event.rows = change_rows(event.changes, model_named(event.object_type))  # type: ignore[attr-defined]
    return render(request, "leadline/audit.html", {"page": page})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer whether the web process can reach its database, and whether a job worker is alive.

    A dead worker does not make the web process unhealthy (a proxy must keep sending it
    traffic), so the answer stays 200 with ``"worker": "down"`` for monitoring to alert on.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        worker = worker_state()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse(
            {"status": "error", "database": f"error: {type(exc).__name__}"}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "worker": worker})
