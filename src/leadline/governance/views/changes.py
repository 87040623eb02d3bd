"""Change-request pages: capture, impact check, approve / decline / defer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from leadline.web.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access

from .. import changes
from ..forms import ChangeForm
from ..models import ChangeRequest
from . import page, report


@workspace_view(Role.VIEWER, write=Role.MEMBER)
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
    return page(request, access, "changes.html", "changes", rows=rows, form=form)


@workspace_view(Role.VIEWER, write=Role.MEMBER)
def detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Show a change's impact before work starts; members approve, decline or defer it."""
    cr = changes.get_change(access, pk)
    if request.method == "POST":
        try:
            changes.resolve_change(
                access,
                cr,
                request.POST.get("outcome", ""),
                request.POST.get("rationale", ""),
                request.user,
            )
        except ValidationError as exc:
            report(request, exc)
        else:
            messages.success(request, "Logged in the decision log.")
            return redirect("change", access.workspace.slug, cr.pk)
    impact = changes.change_impact(cr, timezone.localdate())
    return page(request, access, "change.html", "changes", cr=cr, impact=impact)
