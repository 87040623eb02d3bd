"""Job pages: the list, one job with live progress, and starting a job from a page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from .heartbeat import live_workers
from .models import Job
from .registry import startable_kinds
from .services import cancel_job, start_job
from .worker import uses_redis


@workspace_view()
@json_twin("/workspaces/{workspace}/jobs")
def job_list(request: HttpRequest, access: Access) -> HttpResponse:
    """List the workspace's jobs, newest first."""
    jobs = Job.objects.filter(workspace=access.workspace)[:100]
    startable = startable_kinds(access.workspace)
    context = {
        "jobs": jobs,
        "startable": startable,
        "workers": live_workers(),
        "redis_queue": uses_redis(),
        "stale_seconds": settings.WORKER_STALE_SECONDS,
    }
    return render(request, "jobs/list.html", context)


@workspace_view()
@json_twin("/workspaces/{workspace}/jobs/{job_id}", query=False)
def job_detail(request: HttpRequest, access: Access, job_id: str) -> HttpResponse:
    """Show one job; the progress part refreshes itself while the job runs."""
    job = get_object_or_404(Job, pk=job_id, workspace=access.workspace)
    template = "jobs/progress.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})


@require_POST
@workspace_view(Role.LEAD)
def job_start(request: HttpRequest, access: Access) -> HttpResponse:
    """Start one of the page-startable job kinds for this workspace."""
    kind = request.POST.get("kind", "")
    kinds = startable_kinds(access.workspace)
    if kind not in kinds:
        raise Http404("No such job kind")
    job = start_job(
        kind,
        title=kinds[kind],
        params={"workspace": access.workspace.slug},
        workspace=access.workspace,
        user=request.user,
    )
    messages.success(request, "Started. This page follows its progress.")
    return redirect("job", access.workspace.slug, job.pk)


@require_POST
@workspace_view(Role.LEAD)
def job_cancel(request: HttpRequest, access: Access, job_id: str) -> HttpResponse:
    """Cancel a queued or running job of this workspace."""
    job = get_object_or_404(Job, pk=job_id, workspace=access.workspace)
    if cancel_job(job):
        messages.success(request, "Cancelled.")
    return redirect("job", access.workspace.slug, job.pk)
