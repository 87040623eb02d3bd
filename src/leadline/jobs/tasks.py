"""The one queue task: run a Job by id. The queue carries only the id."""

from __future__ import annotations

from django_tasks import task

from .services import run_job


@task()
def run_job_task(job_id: str) -> str:
    """Run the job with this id (a no-op if another worker already has it)."""
    return run_job(job_id)
