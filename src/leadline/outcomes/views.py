"""Outcomes pages: the scorecards (workspace, team, function), a KPI (values, import, edit) and
the benefits roadmap. Viewers read; members write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leadline.governance.views import report
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import charts, curves, services, values
from .forms import BenefitForm, ImportForm, KpiForm, MilestoneForm, ValueForm, kpi_initial


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
    if action == "delete":
        values.delete_kpi(access, kpi, request.user)
        messages.success(request, f"Deleted the KPI {kpi.name}.")
        return redirect("outcomes", ws.slug)
    if action == "import":
        _import(request, access, kpi)
        return redirect("outcomes-kpi", ws.slug, kpi.pk)
    try:
        if action == "value" and value_form.is_valid():
            values.record_values(access, kpi, [(value_form.cleaned_data["date"],
                                                  value_form.cleaned_data["value"])],
                                   "page", request.user)  # fmt: skip
            messages.success(request, "Value recorded.")
            return redirect("outcomes-kpi", ws.slug, kpi.pk)
        if action == "edit" and form.is_valid():
            values.save_kpi(access, form.data_for_service(), kpi, request.user)
            messages.success(request, "Saved.")
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
            m = services.save_milestone(access, dict(m_form.cleaned_data), actor=request.user)
            messages.success(request, f"Added the milestone {m.name}.")
            return redirect("outcomes-benefits", ws.slug)
        if action == "benefit" and b_form.is_valid():
            b = services.save_benefit(access, dict(b_form.cleaned_data), actor=request.user)
            messages.success(request, f"Added the benefit {b.description}.")
            return redirect("outcomes-benefits", ws.slug)
    except ValidationError as exc:
        report(request, exc)
    data = services.roadmap(ws, services.today(ws))
    return render(request, "outcomes/benefits.html", {
        "data": data, "m_form": m_form, "b_form": b_form,
        "charts": {f"benefit-{b['id']}": charts.benefit_chart(b) for b in data["benefits"]},
    })  # fmt: skip
