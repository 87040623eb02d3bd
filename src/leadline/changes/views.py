"""Change-request pages: capture, impact check, edit while pending, approve / decline / defer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from leadline.changes.models import ChangeRequest
from leadline.governance.views import page, report
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import services as changes
from .forms import ChangeForm


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/changes")
def index(request: HttpRequest, access: Access) -> HttpResponse:
    """List change requests; members capture a new one."""
    form = ChangeForm(request.POST or None, workspace=access.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            cr = changes.create_change_request(access, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            report(request, exc)
        else:
            return redirect("change", access.workspace.slug, cr.pk)
    rows = ChangeRequest.objects.filter(workspace=access.workspace).select_related("team")
    return page(request, access, "changes/changes.html", "changes", rows=rows, form=form)


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/changes/{pk}", query=False)
def detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Show a change's impact before work starts; members edit it while it is pending, and
    whoever may decide it approves, declines or defers it."""
    cr = changes.get_change(access, pk)
    form = ChangeForm(instance=cr, workspace=access.workspace)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "edit":
                form = ChangeForm(
                    request.POST,
                    instance=changes.get_change(access, pk),
                    workspace=access.workspace,
                )
                if form.is_valid():
                    changes.update_change_request(access, cr, form.cleaned_data, request.user)
                    messages.success(request, "Saved.")
                    return redirect("change", access.workspace.slug, cr.pk)
            else:
                changes.resolve_change(
                    access,
                    cr,
                    request.POST.get("outcome", ""),
                    request.POST.get("rationale", ""),
                    request.user,
                )
                messages.success(request, "Logged in the decision log.")
                return redirect("change", access.workspace.slug, cr.pk)
        except ValidationError as exc:
            report(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            status = 403
    impact = changes.change_impact(cr, timezone.localdate())
    right = changes.approval_right(access, cr, request.user)
    response = page(
        request,
        access,
        "changes/change.html",
        "changes",
        cr=cr,
        impact=impact,
        form=form,
        right=right,
    )
    response.status_code = status
    return response
