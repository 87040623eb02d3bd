"""The before/after page: pick a change and a metric, see the chart, the figures and what else
changed at the time; members record new changes on it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leadline.governance.views import report
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access, team_by_slug
from leadline.workspaces.twins import json_twin

from . import analysis, services
from .charts import before_after_spec
from .forms import ChangeForm


def _int(value: str | None, default: int, low: int, high: int, name: str) -> int:
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValidationError({name: f"{value!r} is not a whole number"}) from None
    if not low <= number <= high:
        raise ValidationError({name: f"between {low} and {high}"})
    return number


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: f"{value!r} is not a date (YYYY-MM-DD)"}) from None


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/before-after")
def before_after(request: HttpRequest, access: Access) -> HttpResponse:
    """Pick a change and a metric; the chart with both segments, the detected and the announced
    dates, the test, the shift, the definitions and the confounders."""
    ws = access.workspace
    teams = list(ws.teams.all())
    form = ChangeForm(request.POST or None, teams=teams)
    if request.method == "POST":
        if form.is_valid():
            try:
                made = services.create_change(
                    access, title=form.cleaned_data["title"], day=form.cleaned_data["date"],
                    description=form.cleaned_data["description"],
                    team=team_by_slug(ws, form.cleaned_data["team"] or None), actor=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                report(request, exc)
            else:
                messages.success(request, f"Recorded “{made.title}”.")
                return redirect(f"{request.path}?change=change:{made.pk}")
    q = request.GET
    context: dict[str, Any] = {
        "form": form,
        "metrics": services.metrics(ws),
        "changes": services.changes(ws),
        "choices": [],
        "metric": q.get("metric") or services.DEFAULT_METRIC,
        "picked": q.get("change", ""),
        "at": q.get("at", ""),
        "detect": q.get("detect") in ("1", "true", "on"),
        "window": q.get("window") or analysis.WINDOW_DAYS,
        "n_changes": q.get("changes") or 1,
        "start": q.get("start", ""),
        "end": q.get("end", ""),
        "result": None,
        "charts": {},
    }
    context["choices"] = [{**c, "ref": f"{c['source']}:{c['id']}"} for c in context["changes"]]
    if not (q.get("change") or q.get("at") or context["detect"]):
        # Nothing asked yet: show the newest recorded change (if any) with the default metric.
        newest = next((c for c in context["changes"] if c["source"] == "change"), None)
        context["picked"] = f"change:{newest['id']}" if newest else ""
    if context["picked"] or q.get("at") or context["detect"]:
        try:
            picked = context["picked"]
            change = services.find_change(ws, picked) if picked else None
            result = services.before_after(
                ws, metric=context["metric"], team=getattr(request, "team", None),
                at=_date(q.get("at"), "at"), detect=context["detect"],
                changes=_int(q.get("changes"), 1, 1, analysis.MAX_CHANGES, "changes"),
                window=_int(q.get("window"), analysis.WINDOW_DAYS, 1, analysis.MAX_WINDOW_DAYS,
                            "window"),
                start=_date(q.get("start"), "start"), end=_date(q.get("end"), "end"),
                change=change,
            )  # fmt: skip
        except ValidationError as exc:
            report(request, exc)
        else:
            context["result"] = result
            spec = before_after_spec(result)
            context["charts"] = {"before-after": spec}
            context["caption"] = spec["description"]
            context["definitions"] = sorted(result["definitions"].items())
    return render(request, "impact/before_after.html", context)
