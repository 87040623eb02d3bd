"""Imports and syncs as background jobs: resumable after the last committed batch."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from leadline.connectors.git.repository import DEFAULT_DEPLOY_TAGS
from leadline.crypto import decrypt
from leadline.jobs import present
from leadline.jobs.models import Job, JobStatus
from leadline.jobs.registry import handler
from leadline.jobs.services import JobContext, start_job
from leadline.workspaces.models import Team, Workspace

from .imports import BATCH_SIZE, ImportStats, ensure_statuses, import_records
from .models import Connection, ImportProblem
from .sources import connection_source, file_source, learned_statuses


def import_job_params(
    workspace: Workspace,
    kind: str,
    path: str,
    team: Team | None = None,
    deploy_tags: str | None = None,
    encoding: str | None = None,
) -> dict[str, Any]:
    """Return the parameters of a file import job (also used to find one to resume); a git
    import names the tags that count as deployments (default ``DEFAULT_DEPLOY_TAGS``)."""
    params: dict[str, Any] = {
        "workspace": workspace.slug,
        "team": team.slug if team else None,
        "kind": kind,
        "path": str(Path(path).resolve()),
    }
    if kind == "git":
        params["deploy_tags"] = DEFAULT_DEPLOY_TAGS if deploy_tags is None else deploy_tags.strip()
    if encoding:
        params["encoding"] = encoding
    return params


def start_import(
    workspace: Workspace,
    kind: str,
    path: str,
    team: Team | None = None,
    user: Any = None,
    batch_size: int | None = None,
    queue: bool = True,
    deploy_tags: str | None = None,
    encoding: str | None = None,
) -> Job:
    """Start a file import, or resume the unfinished one with the same parameters.

    With ``queue`` False the caller runs the job itself (the CLI does, with a progress bar).
    ``encoding`` names a text file's encoding when it is neither UTF-8 nor UTF-16 with a BOM.
    """
    params = import_job_params(workspace, kind, path, team, deploy_tags, encoding)
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
    source = file_source(
        ctx.params["kind"],
        path,
        deploy_tags=ctx.params.get("deploy_tags", DEFAULT_DEPLOY_TAGS),
        encoding=ctx.params.get("encoding"),
    )
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
        batch_size=batch_size, progress=report, counted=ctx.checkpoint.get("counts"),
    )  # fmt: skip
    learned = learned_statuses(source)
    if learned:
        ensure_statuses(workspace, {(s.source, s.project, s.name): s.category for s in learned})
    name = Path(path).name
    rejected = source.collect_rejected() + [(f"{name}, {loc}", why) for loc, why in stats.rejected]
    _record_problems(workspace, ctx.job, name, rejected)
    if total:
        ctx.progress(total, total)
    summary = _result(stats) | {"rejected": len(rejected)}
    for loc, why in rejected[:MAX_LOGGED]:
        ctx.log(f"Rejected {loc}: {why}")
    if len(rejected) > MAX_LOGGED:
        ctx.log(f"… and {len(rejected) - MAX_LOGGED} more rejected (see the Imports page)")
    for warning in stats.warnings():
        ctx.log(f"Warning: {warning}")
    ctx.log(f"Imported: {present.summary(summary)}")
    return summary


MAX_LOGGED = 20


def _record_problems(
    workspace: Workspace,
    job: Job,
    file_name: str,
    rejected: list[tuple[str, str]],
    *,
    whole: bool = True,
) -> None:
    source = file_name[: ImportProblem._meta.get_field("source").max_length]
    length = ImportProblem._meta.get_field("location").max_length or 300
    stale = ImportProblem.objects.filter(workspace=workspace, source=source)
    if not whole:  # a sync reads only what changed: replace just the records it read again
        stale = stale.filter(location__in=[loc[:length] for loc, _ in rejected])
    # A re-run replaces the previous run's list for the same file rather than adding to it.
    stale.delete()
    ImportProblem.objects.bulk_create(
        ImportProblem(
            workspace=workspace, job=job, source=source, location=loc[:length], message=why
        )
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
    rejected = source.collect_rejected() + stats.rejected
    if rejected:
        _record_problems(connection.workspace, ctx.job, connection.name, rejected, whole=False)
        for loc, why in rejected[:MAX_LOGGED]:
            ctx.log(f"Rejected {loc}: {why}")
    for warning in stats.warnings():
        ctx.log(f"Warning: {warning}")
    result = _result(stats) | ({"rejected": len(rejected)} if rejected else {})
    ctx.log(f"Synced: {present.summary(result)}")
    return result


def _result(stats: ImportStats) -> dict[str, Any]:
    # "work_items", not "items": the job page reads ``result.items`` as the dict's items().
    result = {("work_items" if k == "items" else k): v for k, v in stats.as_dict().items()}
    if stats.warnings():
        result["warnings"] = stats.warnings()
    return result
