"""Imports and syncs as background jobs: resumable after the last committed batch."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from leadline.crypto import decrypt
from leadline.jobs import present
from leadline.jobs.models import Job, JobStatus
from leadline.jobs.services import JobContext, handler, start_job
from leadline.workspaces.models import Team, Workspace

from .imports import BATCH_SIZE, ImportStats, ensure_statuses, import_records
from .models import Connection, ImportProblem
from .sources import connection_source, file_source, learned_statuses


def import_job_params(
    workspace: Workspace, kind: str, path: str, team: Team | None = None
) -> dict[str, Any]:
    """Return the parameters of a file import job (also used to find one to resume)."""
    return {
        "workspace": workspace.slug,
        "team": team.slug if team else None,
        "kind": kind,
        "path": str(Path(path).resolve()),
    }


def start_import(
    workspace: Workspace,
    kind: str,
    path: str,
    team: Team | None = None,
    user: Any = None,
    batch_size: int | None = None,
    queue: bool = True,
) -> Job:
    """Start a file import, or resume the unfinished one with the same parameters.

    With ``queue`` False the caller runs the job itself (the CLI does, with a progress bar).
    """
    params = import_job_params(workspace, kind, path, team)
    if batch_size:
        params["batch_size"] = batch_size
    unfinished = (
        Job.objects.filter(kind="delivery.import", workspace=workspace)
        .exclude(status__in=[JobStatus.SUCCEEDED, JobStatus.CANCELLED])
        .order_by("-created_at")
    )
    for job in unfinished:
        if {k: v for k, v in job.params.items() if k != "_handler"} == params:
            if job.status == JobStatus.FAILED:
                Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, error="")
            elif job.status == JobStatus.RUNNING:
                # Still running somewhere, unless its heartbeat stopped: then take it over.
                stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)
                if not Job.objects.filter(
                    pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=stale
                ).update(status=JobStatus.QUEUED, worker=""):
                    continue
            from leadline.jobs.services import enqueue

            job.refresh_from_db()
            if queue:
                enqueue(job)
            return job
    title = f"Import {Path(path).name} ({kind})" + (f" into {team.name}" if team else "")
    return start_job(
        "delivery.import", title=title, params=params, workspace=workspace, user=user, queue=queue
    )


def _scope(ctx: JobContext) -> tuple[Workspace, Team | None]:
    workspace = Workspace.objects.get(slug=ctx.params["workspace"])
    team_slug = ctx.params.get("team")
    team = Team.objects.get(workspace=workspace, slug=team_slug) if team_slug else None
    return workspace, team


@handler("delivery.import")
def run_import(ctx: JobContext) -> dict[str, Any]:
    """Import a file or repository into a workspace (and team), resuming from the checkpoint."""
    workspace, team = _scope(ctx)
    path = ctx.params["path"]
    source = file_source(ctx.params["kind"], path)
    total = source.total
    start = int(ctx.checkpoint.get("batch", 0))
    batch_size = int(ctx.params.get("batch_size", BATCH_SIZE))
    ctx.progress(min(start * batch_size, total or 0), total)
    # The stored file's name only: the data folder's path is the server's business.
    ctx.log(f"Reading {Path(path).name}" + (f", resuming after batch {start}" if start else ""))

    def report(batches: int, checkpoint: dict[str, Any]) -> None:
        done = batches * batch_size
        ctx.progress(min(done, total) if total else done, total, checkpoint)

    stats = import_records(
        workspace, source.records, team=team, statuses=source.statuses, start_batch=start,
        batch_size=batch_size, progress=report,
    )  # fmt: skip
    learned = learned_statuses(source)
    if learned:
        ensure_statuses(workspace, {(s.source, s.project, s.name): s.category for s in learned})
    rejected = source.collect_rejected()
    _record_problems(workspace, ctx.job, Path(path).name, rejected)
    if total:
        ctx.progress(total, total)
    summary = _result(stats) | {"rejected": len(rejected)}
    ctx.log(f"Imported: {present.summary(summary)}")
    return summary


def _record_problems(
    workspace: Workspace, job: Job, file_name: str, rejected: list[tuple[str, str]]
) -> None:
    # A re-run replaces the previous run's list for the same file rather than adding to it.
    ImportProblem.objects.filter(workspace=workspace, source=file_name).delete()
    ImportProblem.objects.bulk_create(
        ImportProblem(workspace=workspace, job=job, source=file_name, location=loc, message=why)
        for loc, why in rejected
    )


@handler("delivery.sync")
def run_sync(ctx: JobContext) -> dict[str, Any]:
    """Sync a connection: a backfill the first time, then changes since the last sync."""
    connection = Connection.objects.select_related("workspace", "team").get(
        pk=ctx.params["connection"]
    )
    started = timezone.now()
    since = connection.last_synced_at
    ctx.log(
        f"Syncing {connection.name}"
        + (f" since {since:%Y-%m-%d %H:%M}" if since else " (backfill)")
    )
    try:
        source = connection_source(connection, decrypt(connection.secret), since)
        stats = import_records(
            connection.workspace, source.records, team=connection.team, statuses=source.statuses,
            progress=lambda n, cp: ctx.progress(n * BATCH_SIZE, None, cp),
        )  # fmt: skip
    except Exception as error:
        message = present.error_message(error, ctx.job.pk)
        Connection.objects.filter(pk=connection.pk).update(last_error=message[:2000])
        raise
    Connection.objects.filter(pk=connection.pk).update(last_synced_at=started, last_error="")
    result = _result(stats)
    ctx.log(f"Synced: {present.summary(result)}")
    return result


def _result(stats: ImportStats) -> dict[str, Any]:
    # "work_items", not "items": the job page reads ``result.items`` as the dict's items().
    return {("work_items" if k == "items" else k): v for k, v in stats.as_dict().items()}
