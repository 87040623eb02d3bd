"""Delivery data pages: imports and connections, workflow mapping, data quality."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from leadline.connectors.csv import columns
from leadline.connectors.csv.spec import TYPE_HELP, template
from leadline.jobs.models import Job
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import data
from .forms import ConnectionForm, ImportForm, JamConfigForm, MappingForm
from .models import Connection, ImportProblem, StatusMapping, WorkItem
from .provenance import provenance
from .quality import cached_quality_report

SHOWN_EXAMPLES = 10
CHECK_TITLES = {
    "finished_never_started": "Finished without being started",
    "moved_backwards": "Moved backwards",
    "changed_after_done": "Changed after done",
    "finished_before_created": "Finished before created",
    "history_gaps": "Gaps in history",
    "unmapped_statuses": "Unmapped statuses",
    "rejected_rows": "Rejected rows",
}


def _recent_jobs(access: Access) -> list[Job]:
    return list(
        Job.objects.filter(
            workspace=access.workspace, kind__in=["delivery.import", data.SYNC_KIND]
        ).order_by("-created_at")[:15]
    )


@workspace_view(Role.VIEWER, write=Role.LEAD)
@json_twin(
    ("/workspaces/{workspace}/items", "JSON: items"),
    ("/workspaces/{workspace}/deployments", "JSON: deployments"),
    ("/workspaces/{workspace}/incidents", "JSON: incidents"),
    ("/workspaces/{workspace}/connections", "JSON: connections"),
)
def delivery_data(request: HttpRequest, access: Access) -> HttpResponse:
    """Upload files to import, list connections, recent imports and rejected rows."""
    form = ImportForm(workspace=access.workspace, initial={"team": getattr(request, "team", None)})
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, workspace=access.workspace)
        if form.is_valid():
            try:
                job = data.import_upload(
                    access,
                    form.cleaned_data["kind"],
                    form.cleaned_data["file"],
                    form.cleaned_data["team"],
                    request.user,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Import started. This page follows its progress.")
                return redirect("job", access.workspace.slug, job.pk)
    connections = list(Connection.objects.filter(workspace=access.workspace).select_related("team"))
    for conn in connections:
        conn.running = data.active_sync(conn)  # type: ignore[attr-defined]
    problems = ImportProblem.objects.filter(workspace=access.workspace)
    docs = [
        {
            "kind": kind,
            "label": kind.replace("_", " ").capitalize(),
            "upload_kind": upload_kind,
            "columns": columns(kind),
        }
        for kind, upload_kind in data.CSV_DOCS.items()
    ]
    return render(
        request,
        "delivery/data.html",
        {
            "form": form,
            "connections": connections,
            "jobs": _recent_jobs(access),
            "problems": problems[:50],
            "problem_count": problems.count(),
            "docs": docs,
            "type_help": TYPE_HELP,
            "upload_max_mb": data.upload_limit() // (1024 * 1024),
            "kinds": data.UPLOAD_KINDS,
            "provenance": provenance(access.workspace),
        },
    )


@workspace_view()
def csv_template(request: HttpRequest, access: Access, kind: str) -> HttpResponse:
    """Download a CSV template (header and one example row) for a documented kind."""
    if kind not in data.CSV_DOCS:
        raise Http404("No such CSV kind")
    response = HttpResponse(template(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leadline-{kind}.csv"'
    return response


@workspace_view(Role.LEAD)
def connection_new(request: HttpRequest, access: Access) -> HttpResponse:
    """Add a connection (lead role)."""
    form = ConnectionForm(
        request.POST or None,
        workspace=access.workspace,
        initial={"team": getattr(request, "team", None), "kind": request.GET.get("kind")},
    )
    if request.method == "POST" and form.is_valid():
        conn = _save(request, access, form, None)
        if conn is not None:
            messages.success(request, f"Added {conn.name}. Sync it now, or wait for its schedule.")
            return redirect("connection", access.workspace.slug, conn.pk)
    return render(request, "delivery/connection_form.html", {"form": form, "connection": None})


def _save(
    request: HttpRequest, access: Access, form: ConnectionForm, conn: Connection | None
) -> Connection | None:
    values = {k: v for k, v in form.cleaned_data.items() if k != "credential"}
    try:
        return data.save_connection(
            access, values, form.cleaned_data.get("credential") or None, conn, request.user
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@workspace_view(Role.VIEWER, write=Role.LEAD)
@json_twin("/workspaces/{workspace}/connections/{pk}", query=False)
def connection_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Show a connection (its credential only as set / not set); leads edit it here."""
    conn = get_object_or_404(Connection, pk=pk, workspace=access.workspace)
    # The form is bound to a fresh copy: a failed edit must not change what the page shows.
    form = ConnectionForm(
        request.POST or None,
        instance=Connection.objects.get(pk=conn.pk),
        workspace=access.workspace,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, access, form, Connection.objects.get(pk=conn.pk))
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("connection", access.workspace.slug, conn.pk)
    return render(
        request,
        "delivery/connection.html",
        {
            "connection": conn,
            "form": form,
            "jobs": data.sync_jobs(conn),
            "running": data.active_sync(conn),
        },
    )


@require_POST
@workspace_view(Role.LEAD)
def connection_sync(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Start syncing a connection now (or follow the sync already running)."""
    conn = get_object_or_404(Connection, pk=pk, workspace=access.workspace)
    job, started = data.start_sync(conn, request.user)
    if job is None:
        messages.info(request, "A sync of this connection is starting.")
        return redirect("connection", access.workspace.slug, conn.pk)
    if not started:
        messages.info(request, "A sync of this connection is already under way.")
    return redirect("job", access.workspace.slug, job.pk)


@require_POST
@workspace_view(Role.LEAD)
def connection_delete(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Delete a connection and its credential; the data it imported stays."""
    conn = get_object_or_404(Connection, pk=pk, workspace=access.workspace)
    data.delete_connection(access, conn, request.user)
    messages.success(request, f"Deleted {conn.name}. The data it imported stays.")
    return redirect("delivery-data", access.workspace.slug)


# --- Workflow mapping -----------------------------------------------------------------------
def _mapping_rows(access: Access) -> list[StatusMapping]:
    rows = list(StatusMapping.objects.filter(workspace=access.workspace))
    counts = {
        (source, status): n
        for source, status, n in WorkItem.objects.filter(workspace=access.workspace)
        .values("source", "status")
        .annotate(n=Count("id"))
        .values_list("source", "status", "n")
    }
    for row in rows:
        row.items_now = counts.get((row.source, row.status), 0)  # type: ignore[attr-defined]
    return rows


@workspace_view()
@json_twin("/workspaces/{workspace}/statuses", query=False)
def workflow(request: HttpRequest, access: Access) -> HttpResponse:
    """All statuses per source with their stage category; unmapped ones first."""
    rows = _mapping_rows(access)
    sources: dict[str, list[StatusMapping]] = {}
    for row in rows:
        sources.setdefault(row.source, []).append(row)
    unmapped = [r for r in rows if r.category is None]
    return render(
        request,
        "delivery/workflow.html",
        {
            "sources": sources,
            "unmapped": unmapped,
            "categories": data.CATEGORIES,
            "jam_form": JamConfigForm(),
        },
    )


@require_POST
@workspace_view(Role.LEAD)
def workflow_mapping(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Save one status's mapping; HTMX gets the row back, a plain form a redirect."""
    mapping = get_object_or_404(StatusMapping, pk=pk, workspace=access.workspace)
    form = MappingForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Invalid mapping", status=400)
    data.update_mapping(
        access,
        mapping,
        form.cleaned_data["category"] or None,
        form.cleaned_data["waiting"],
        request.user,
    )
    if request.headers.get("HX-Request"):
        mapping.items_now = WorkItem.objects.filter(  # type: ignore[attr-defined]
            workspace=access.workspace, source=mapping.source, status=mapping.status
        ).count()
        return render(
            request,
            "delivery/mapping_row.html",
            {"row": mapping, "categories": data.CATEGORIES, "saved": True},
        )
    messages.success(request, f"Mapped {mapping.status} to {mapping.category or 'unmapped'}.")
    return redirect("workflow", access.workspace.slug)


@require_POST
@workspace_view(Role.LEAD)
def workflow_jam(request: HttpRequest, access: Access) -> HttpResponse:
    """Map statuses from an uploaded jira-agile-metrics config's Workflow section."""
    from leadline.connectors.jira.jam_config import JamConfigError

    form = JamConfigForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a jira-agile-metrics config file (YAML).")
        return redirect("workflow", access.workspace.slug)
    upload = form.cleaned_data["config"]
    if upload.size > 1024 * 1024:
        messages.error(request, "A config file over 1 MB is not a jira-agile-metrics config.")
        return redirect("workflow", access.workspace.slug)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yml"
        path.write_bytes(upload.read())
        try:
            result = data.apply_jam_workflow(access, path, upload.name or "", request.user)
        except JamConfigError as error:
            messages.error(request, str(error).replace("config.yml", upload.name or "config"))
            return redirect("workflow", access.workspace.slug)
    text = f"Mapped {len(result['mapped'])} statuses from the config"
    if result["unchanged"]:
        text += f"; {result['unchanged']} already matched"
    if result["not_seen"]:
        text += f"; not seen in any import yet: {', '.join(result['not_seen'][:10])}"
    messages.success(request, text + ".")
    return redirect("workflow", access.workspace.slug)


# --- Data quality ---------------------------------------------------------------------------
@workspace_view()
@json_twin("/workspaces/{workspace}/quality")
def quality(request: HttpRequest, access: Access) -> HttpResponse:
    """The data-quality report for the team in the switcher (or the whole workspace)."""
    team = getattr(request, "team", None)
    report = data.link_examples(cached_quality_report(access.workspace, team), access.workspace)
    for check in report["checks"]:
        check["title"] = CHECK_TITLES.get(check["check"], check["check"].replace("_", " "))
        check["shown"] = check["examples"][:SHOWN_EXAMPLES]
        check["more"] = check["examples"][SHOWN_EXAMPLES:]
    return render(request, "delivery/quality.html", {"report": report})


@workspace_view()
def quality_json(request: HttpRequest, access: Access) -> JsonResponse:
    """The same report as JSON (the API has it too, at /api/v1/workspaces/{workspace}/quality)."""
    report: dict[str, Any] = cached_quality_report(access.workspace, getattr(request, "team", None))
    return JsonResponse(data.link_examples(report, access.workspace))
