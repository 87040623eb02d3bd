"""The page of an agreement's checked clauses; the agreement page shows the same card through
``{% load clause_tags %}`` (agreements, below this app, never imports it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from leadline.agreements.models import WorkingAgreement
from leadline.governance.views import page, report
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import services as clauses


def _number(raw: str | None) -> float | None:
    try:
        return float(raw) if raw not in (None, "") else None
    except ValueError:
        raise ValidationError({"limit": "Give the clause's number, e.g. 48."}) from None


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/agreements/{pk}/clauses", query=False)
def agreement_clauses(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Each linked clause kept or broken, with its evidence; members link or unlink clauses."""
    a = get_object_or_404(WorkingAgreement, workspace=access.workspace, pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                raw = request.POST.get("clause", "")
                clauses.remove_clause(
                    access, a, int(raw) if raw.isdigit() and len(raw) < 10 else 0, request.user
                )
                messages.success(request, "The clause is no longer checked.")
            else:
                window = request.POST.get("window_days", "") or "28"
                clauses.link_clause(
                    access,
                    a,
                    section=request.POST.get("section", ""),
                    clause=request.POST.get("clause", ""),
                    kind=request.POST.get("kind", ""),
                    limit=_number(request.POST.get("limit")),
                    window_days=int(window) if window.isdigit() and len(window) < 5 else 0,
                    actor=request.user,
                )
                messages.success(request, "The clause is checked against the data.")
            if request.POST.get("next") == "agreement":
                return redirect("agreement", access.workspace.slug, a.pk)
            return redirect("agreement-clauses", access.workspace.slug, a.pk)
        except ValidationError as exc:
            report(request, exc)
    return page(request, access, "clauses/clauses.html", "agreements", a=a)
