"""Outcomes pages: the scorecards (workspace, team, function), a KPI (values, import, edit),
the benefits roadmap, a milestone and a benefit (edit, delete after a confirmation). Viewers
read; members write."""

from __future__ import annotations

from collections.abc import Mapping
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

from . import charts, curves, plans, roadmap, services, values
from .forms import (
    BenefitForm,
    ImportForm,
    KpiForm,
    MilestoneDeleteForm,
    MilestoneForm,
    ValueForm,
    benefit_initial,
    kpi_initial,
    milestone_initial,
)


def _import(request: HttpRequest, access: Access, kpi: object = None) -> bool:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a CSV file to import.")
        return False
    raw = form.cleaned_data["file"].read(5_000_000)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        messages.error(request, "The file is not UTF-8 text; save it as CSV (UTF-8) and try again.")
        return False
    out = values.import_csv(access, text, kpi, request.user)  # type: ignore[arg-type]
    if out["errors"]:
        for e in out["errors"][:20]:
            messages.error(request, f"Line {e['line']}, {e['field'] or 'file'}: {e['message']}")
        messages.error(request, "Nothing was imported; the values stored before are unchanged.")
        return False
    messages.success(request, f"Imported: {out['created']} new, {out['updated']} changed, "
                     f"{out['unchanged']} unchanged.")  # fmt: skip
    return True


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/scorecards")
def scorecards(request: HttpRequest, access: Access) -> HttpResponse:
    """The scorecard of the workspace, a team (``?team=``) or a function (``?function=``), the
    new-KPI form and the CSV import."""
    ws = access.workspace
    form = KpiForm(request.POST or None, workspace=ws)
    if request.method == "POST":
        if request.POST.get("action") == "import":
            _import(request, access)
            return redirect("outcomes", ws.slug)
        if form.is_valid():
            try:
                kpi = values.save_kpi(access, form.data_for_service(), actor=request.user)
            except ValidationError as exc:
                report(request, exc)
            else:
                messages.success(request, f"Added the KPI {kpi.name}.")
                return redirect("outcomes-kpi", ws.slug, kpi.pk)
    day = services.today(ws)
    try:
        function = services.function_in(ws, request.GET.get("function"))
    except ValidationError as exc:
        report(request, exc)
        function = None
    team = getattr(request, "team", None)
    card = services.scorecard(ws, day, team=team, function=None if team else function)
    return render(request, "outcomes/scorecards.html", {
        "card": card, "functions": list(ws.functions.all()), "function": function,
        "form": form, "import_form": ImportForm(),
        "charts": {f"kpi-{r['kpi']['id']}": charts.sparkline(r) for r in card["rows"]},
    })  # fmt: skip


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/kpis/{pk}")
def kpi_page(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """One KPI: its status, trend and values; members add values, import, edit or delete it."""
    ws = access.workspace
    kpi = services.kpi_in(ws, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    form = KpiForm(request.POST if action == "edit" else None, workspace=ws, kpi=kpi,
                   initial=kpi_initial(kpi))  # fmt: skip
    value_form = ValueForm(request.POST if action == "value" else None)
    if action == "import":
        _import(request, access, kpi)
        return redirect("outcomes-kpi", ws.slug, kpi.pk)
    try:
        if action == "delete":
            values.delete_kpi(access, kpi, request.user)
            messages.success(request, f"Deleted the KPI {kpi.name}.")
            return redirect("outcomes", ws.slug)
        if action == "value" and value_form.is_valid():
            values.record_values(access, kpi, [(value_form.cleaned_data["date"],
                                                  value_form.cleaned_data["value"])],
                                   "page", request.user)  # fmt: skip
            messages.success(request, "Value recorded.")
            return redirect("outcomes-kpi", ws.slug, kpi.pk)
        if action == "edit" and form.is_valid():
            _saved(request, values.update_kpi(access, kpi, form.data_for_service(), request.user))
            return redirect("outcomes-kpi", ws.slug, kpi.pk)
    except ValidationError as exc:
        report(request, exc)
    day = services.today(ws)
    row = services.detail(ws, kpi, day)
    return render(request, "outcomes/kpi.html", {
        "kpi": kpi, "row": row, "form": form, "value_form": value_form,
        "import_form": ImportForm(), "entered": kpi.source == "entered",
        "values": list(kpi.values.order_by("-day")[:200]),
        "contributes_to": kpi.contributes_to, "contributors": list(kpi.contributors.all()),
        "status_definition": curves.STATUS_DEFINITION,
        "charts": {"trend": charts.trend(row)},
    })  # fmt: skip


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/benefits")
def benefits(request: HttpRequest, access: Access) -> HttpResponse:
    """The benefits roadmap: milestones with their forecasts, benefits expected vs actual."""
    ws = access.workspace
    action = request.POST.get("action") if request.method == "POST" else None
    m_form = MilestoneForm(request.POST if action == "milestone" else None, workspace=ws)
    b_form = BenefitForm(request.POST if action == "benefit" else None, workspace=ws)
    try:
        if action == "milestone" and m_form.is_valid():
            m = plans.create_milestone(access, dict(m_form.cleaned_data), actor=request.user)
            messages.success(request, f"Added the milestone {m.name}.")
            return redirect("outcomes-benefits", ws.slug)
        if action == "benefit" and b_form.is_valid():
            b = plans.create_benefit(access, dict(b_form.cleaned_data), actor=request.user)
            messages.success(request, f"Added the benefit {b.description}.")
            return redirect("outcomes-benefits", ws.slug)
    except ValidationError as exc:
        report(request, exc)
    data = roadmap.roadmap(ws, services.today(ws))
    return render(request, "outcomes/benefits.html", {
        "data": data, "m_form": m_form, "b_form": b_form,
        "charts": {f"benefit-{b['id']}": charts.benefit_chart(b) for b in data["benefits"]},
    })  # fmt: skip


def _saved(request: HttpRequest, changes: Mapping[str, Any]) -> None:
    if changes:
        messages.success(request, f"Saved: {', '.join(k.replace('_', ' ') for k in changes)} "
                                  "changed.")  # fmt: skip
    else:
        messages.info(request, "Nothing changed: it was already so; nothing was saved.")


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/milestones/{pk}")
def milestone_page(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """A milestone: its forecast and the benefits hanging on it; members edit it."""
    ws = access.workspace
    m = roadmap.milestone_in(ws, pk)
    form = MilestoneForm(request.POST or None, workspace=ws, initial=milestone_initial(m))
    if request.method == "POST" and form.is_valid():
        try:
            changes = plans.update_milestone(access, m, dict(form.cleaned_data), request.user)
        except ValidationError as exc:
            report(request, exc)
            m.refresh_from_db()
        else:
            _saved(request, changes)
            return redirect("outcomes-milestone", ws.slug, m.pk)
    return render(request, "outcomes/milestone.html", {
        "m": m, "row": roadmap.milestone_detail(ws, m, services.today(ws)), "form": form,
        "definition": roadmap.FORECAST_DEFINITION,
    })  # fmt: skip


@workspace_view(Role.MEMBER)
def milestone_delete(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Ask before deleting a milestone: which benefits' expected values hang on it, and whether
    to tie them to another milestone or leave them untied (they are never deleted)."""
    ws = access.workspace
    m = roadmap.milestone_in(ws, pk)
    form = MilestoneDeleteForm(request.POST or None, workspace=ws, milestone=m)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["move_to"]
        move_to = roadmap.milestone_in(ws, int(target)) if target else None
        out = plans.delete_milestone(access, m, request.user, move_to=move_to)
        fate = f"tied to {move_to.name}" if move_to else "kept, no longer tied to a milestone"
        kept = (f" The expected values of {len(out['benefits'])} benefit(s) are {fate}."
                if out["benefits"] else "")  # fmt: skip
        messages.success(request, f"Deleted the milestone {m.name}.{kept}")
        return redirect("outcomes-benefits", ws.slug)
    return render(request, "outcomes/milestone_delete.html",
                  {"m": m, "tied": roadmap.tied_benefits(m), "form": form})  # fmt: skip


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/benefits/{pk}")
def benefit_page(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """A benefit: its chart, expected values and milestones; members edit it."""
    ws = access.workspace
    b = roadmap.benefit_in(ws, pk)
    form = BenefitForm(request.POST or None, workspace=ws, initial=benefit_initial(b))
    if request.method == "POST" and form.is_valid():
        try:
            changes = plans.update_benefit(access, b, dict(form.cleaned_data), request.user)
        except ValidationError as exc:
            report(request, exc)
            b = roadmap.benefit_in(ws, pk)
        else:
            _saved(request, changes)
            return redirect("outcomes-benefit", ws.slug, b.pk)
    row = roadmap.benefit_detail(ws, b, services.today(ws))
    milestones = {m["id"]: m for m in row["milestones"]}
    return render(request, "outcomes/benefit.html", {
        "b": b, "row": row, "form": form, "definitions": roadmap.ROADMAP_DEFINITIONS,
        "expected": [{**p, "ms": milestones.get(p["milestone"] or 0)} for p in row["expected"]],
        "charts": {f"benefit-{b.pk}": charts.benefit_chart(row)},
    })  # fmt: skip


@workspace_view(Role.MEMBER)
def benefit_delete(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Ask before deleting a benefit and its expected values (its KPI stays)."""
    ws = access.workspace
    b = roadmap.benefit_in(ws, pk)
    if request.method == "POST":
        plans.delete_benefit(access, b, request.user)
        messages.success(request, f"Deleted the benefit {b.description} and its expected values.")
        return redirect("outcomes-benefits", ws.slug)
    return render(request, "outcomes/benefit_delete.html",
                  {"b": b, "points": list(b.points.select_related("milestone").order_by("day"))})  # fmt: skip
