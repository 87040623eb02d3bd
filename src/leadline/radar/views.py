"""Radar pages: the findings (open first by severity), one finding with its history, the rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leadline.governance.views import report
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import services
from .registry import SEVERITIES, all_rules


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/radar")
def radar(request: HttpRequest, access: Access) -> HttpResponse:
    """List the findings; a member may run the rules now."""
    if request.method == "POST":
        out = services.run_now(access)
        messages.success(
            request,
            f"Radar run: {out['raised']} new, {out['reopened']} reopened, "
            f"{out['cleared']} cleared ({out['seconds']:.1f} s).",
        )
        for key, error in out["errors"].items():
            messages.error(request, f"Rule {key} failed: {error}")
        return redirect(request.get_full_path())
    status = request.GET.get("status") or "live"
    filters: dict[str, Any] = {
        "status": status,
        "team": getattr(request, "team", None),
        "rule": request.GET.get("rule") or None,
        "severity": request.GET.get("severity") or None,
    }
    try:
        result = services.findings(access.workspace, **filters)
    except ValidationError as exc:
        report(request, exc)
        filters.update(status="live", rule=None, severity=None)
        result = services.findings(access.workspace, **filters)
    return render(
        request,
        "radar/radar.html",
        {
            "result": result,
            "filters": filters,
            "rules": all_rules(),
            "severities": SEVERITIES,
            "statuses": [
                ("live", "Open and acknowledged"),
                ("open", "Open"),
                ("acknowledged", "Acknowledged"),
                ("resolved", "Resolved"),
                ("dismissed", "Dismissed"),
            ],  # fmt: skip
        },
    )


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/radar/{pk}")
def finding(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """One finding: evidence, whom to talk to, the conversation, history; act and give feedback."""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in {"useful", "not_useful"}:
                services.give_feedback(access, pk, request.user, action == "useful")
                messages.success(request, "Thank you: the feedback counts for this rule.")
            else:
                access.require(Role.LEAD)
                services.act(
                    access, pk, action, request.user, reason=request.POST.get("reason", "")
                )
                messages.success(
                    request, f"Finding {action.replace('_', ' ')}d.".replace("ed.d", "ed.")
                )
        except ValidationError as exc:
            report(request, exc)
        return redirect("radar-finding", access.workspace.slug, pk)
    return render(
        request, "radar/finding.html", {"f": services.finding_detail(access.workspace, pk)}
    )


@workspace_view(Role.VIEWER, write=Role.LEAD)
@json_twin("/workspaces/{workspace}/radar/rules")
def rules_page(request: HttpRequest, access: Access) -> HttpResponse:
    """Every rule with its why, thresholds and usefulness; leads mute rules and change thresholds."""
    if request.method == "POST":
        key = request.POST.get("rule", "")
        values = {
            k.removeprefix("t_"): str(v).strip()
            for k, v in request.POST.items()
            if k.startswith("t_") and str(v).strip()
        }
        try:
            services.set_rule(access, key, request.user,
                              enabled=request.POST.get("enabled") == "on", thresholds=values)  # fmt: skip
        except ValidationError as exc:
            report(request, exc)
        else:
            messages.success(request, f"Saved rule {key}.")
        return redirect("radar-rules", access.workspace.slug)
    return render(request, "radar/rules.html", {"rules": services.rules(access.workspace)})
