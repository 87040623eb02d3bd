"""Radar pages: the findings (open first by severity), one finding with its history, the rules."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from leadline.governance.views import report
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import services
from .registry import SEVERITIES, all_rules

DONE = {"acknowledge": "acknowledged", "resolve": "resolved", "dismiss": "dismissed"}
STATUSES = [
    ("live", "Open and acknowledged"),
    ("open", "Open"),
    ("acknowledged", "Acknowledged"),
    ("resolved", "Resolved"),
    ("dismissed", "Dismissed"),
]


def _back(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Return to the Radar page the action was taken on (``next``), else the finding's page."""
    target = request.POST.get("next", "")
    radar_path = reverse("radar", args=[access.workspace.slug])
    if target.startswith(radar_path) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(f"{target}#finding-{pk}")
    return redirect("radar-finding", access.workspace.slug, pk)


def _filtered(request: HttpRequest, filters: dict[str, Any], **change: str) -> str:
    """Return this page's URL with ``change`` applied to the filters (the same value again
    clears it: a severity tile shows that severity, or all of them when already chosen)."""
    params: dict[str, str] = {}
    team = filters.get("team")
    if team is not None:
        params["team"] = team.slug
    for key in ("status", "severity", "rule"):
        value = filters.get(key)
        if key in change:
            value = None if value == change[key] else change[key]
        if value and not (key == "status" and value == "live"):
            params[key] = value
    return request.path + (f"?{urlencode(params)}" if params else "")


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
    by = result["by_severity"]
    total = sum(by.values())
    summary: list[dict[str, Any]] = [
        {"severity": s, "count": by[s], "share": round(100 * by[s] / total, 2) if total else 0}
        for s in SEVERITIES
    ]
    x = 0.0
    for part in summary:  # where each severity's bar starts, in percent of the whole
        part["x"], x = x, x + float(part["share"])
        part["href"] = _filtered(request, filters, severity=part["severity"])
    return render(
        request,
        "radar/radar.html",
        {
            "result": result,
            "filters": filters,
            "summary": summary,
            "summary_total": total,
            "status_label": dict(STATUSES).get(filters["status"] or "live", ""),
            "back": request.get_full_path(),
            "narrowed": bool(filters["rule"] or filters["severity"] or status != "live"),
            "clear_url": _filtered(request, {"team": filters["team"]}),
            "rules": all_rules(),
            "severities": SEVERITIES,
            "statuses": STATUSES,
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
                messages.success(request, f"Finding {DONE.get(action, action)}.")
        except ValidationError as exc:
            report(request, exc)
        return _back(request, access, pk)
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
