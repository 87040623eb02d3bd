"""The Radar as a background job: hourly, after every import or sync, and by hand.

``radar.run`` runs the rules in one workspace (the job's ``workspace`` parameter, or the
workspace the job belongs to) or, without one, in every workspace. ``RadarConfig.ready``
registers it as a periodic job (hourly), as a job a lead may start from the jobs page, and as
the follow-up of the delivery import and sync jobs (:func:`after_import`).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from leadline.jobs.models import Job, JobStatus
from leadline.jobs.registry import handler
from leadline.jobs.services import JobContext, start_job
from leadline.workspaces.models import Workspace

KIND = "radar.run"
# The delivery jobs after which the Radar runs (their kinds, see leadline.delivery.jobs).
AFTER = ("delivery.import", "delivery.sync")


def _workspaces(ctx: JobContext) -> list[Workspace]:
    slug = ctx.params.get("workspace")
    if slug:
        return [Workspace.objects.get(slug=slug)]
    if ctx.job.workspace_id:
        return [Workspace.objects.get(pk=ctx.job.workspace_id)]
    return list(Workspace.objects.order_by("slug"))


@handler(KIND)
def run_radar(ctx: JobContext) -> dict[str, Any]:
    """Run the Radar's rules in the job's workspace, or in every workspace; the log names each
    workspace's outcome. A workspace whose run fails is logged and the others still run."""
    from .services import run_workspace

    workspaces = _workspaces(ctx)
    totals = {"raised": 0, "reopened": 0, "cleared": 0}
    failed: dict[str, str] = {}
    ctx.progress(0, len(workspaces))
    for n, ws in enumerate(workspaces, start=1):
        r = run_workspace(ws, timezone.now())
        totals["raised"] += r.raised
        totals["reopened"] += r.reopened
        totals["cleared"] += r.cleared
        line = (
            f"{ws.name}: {r.raised} new, {r.reopened} reopened, {r.cleared} cleared "
            f"({r.rules_run} rules, {r.seconds:.2f} s)"
        )
        for key, error in r.errors.items():
            failed[f"{ws.slug}: {key}"] = error
            line += f"; rule {key} failed: {error}"
        ctx.log(line)
        ctx.progress(n, len(workspaces))
    result: dict[str, Any] = {
        "workspaces_checked": len(workspaces),
        "findings_raised": totals["raised"],
        "findings_reopened": totals["reopened"],
        "findings_cleared": totals["cleared"],
    }
    if failed:
        result["rules_failed"] = sorted(failed)
    return result


def start_run(workspace: Workspace | None, title: str, user: Any = None) -> Job:
    """Queue a Radar run for ``workspace`` (None: every workspace) unless one for it is
    already waiting on the queue; return the new job or the waiting one."""
    waiting = Job.objects.filter(kind=KIND, status=JobStatus.QUEUED, workspace=workspace).first()
    if waiting is not None:
        return waiting
    params = {"workspace": workspace.slug} if workspace is not None else {}
    return start_job(KIND, title=title, params=params, workspace=workspace, user=user)


def after_import(job: Job) -> Job | None:
    """Start the Radar in the workspace an import or sync just changed."""
    workspace = job.workspace
    if workspace is None:
        slug = (job.params or {}).get("workspace")
        workspace = Workspace.objects.filter(slug=slug).first() if slug else None
    if workspace is None:
        return None
    return start_run(workspace, f"Run the Radar after: {job.title}"[:200])
