"""Jobs API: list, inspect, start and cancel background jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from leadline.workspaces.models import Role
from leadline.workspaces.services import access_for

from .models import Job
from .registry import startable_kinds
from .services import cancel_job, start_job

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: UUID
    kind: str
    title: str
    status: str
    done: int
    total: int | None
    percent: int | None
    attempts: int
    error: str
    log: str
    result: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobIn(Schema):
    kind: str


@router.get("/workspaces/{workspace}/jobs", response=list[JobOut])
def list_jobs(request: HttpRequest, workspace: str) -> Any:
    """List the workspace's newest 100 jobs."""
    return Job.objects.filter(workspace=access_for(request.user, workspace).workspace)[:100]


@router.get("/workspaces/{workspace}/jobs/{job_id}", response=JobOut)
def get_job(request: HttpRequest, workspace: str, job_id: UUID) -> Job:
    """Return one job with its progress and log."""
    return get_object_or_404(
        Job, pk=job_id, workspace=access_for(request.user, workspace).workspace
    )


@router.post("/workspaces/{workspace}/jobs", response={202: JobOut})
def create_job(request: HttpRequest, workspace: str, body: JobIn) -> Status:
    """Start a job of a kind that may be started by hand (lead role)."""
    access = access_for(request.user, workspace, Role.LEAD)
    kinds = startable_kinds(access.workspace)
    if body.kind not in kinds:
        raise Http404(f"No such job kind here: {body.kind}")
    job = start_job(
        body.kind,
        title=kinds[body.kind],
        params={"workspace": access.workspace.slug},
        workspace=access.workspace,
        user=request.user,
    )
    return Status(202, job)


@router.post("/workspaces/{workspace}/jobs/{job_id}/cancel", response=JobOut)
def cancel(request: HttpRequest, workspace: str, job_id: UUID) -> Job:
    """Cancel a queued or running job (lead role)."""
    access = access_for(request.user, workspace, Role.LEAD)
    job = get_object_or_404(Job, pk=job_id, workspace=access.workspace)
    cancel_job(job)
    job.refresh_from_db()
    return job
