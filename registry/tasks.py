"""Celery tasks of the registry. Tasks take ids, never file content or personal data."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from registry.imports import RUN_TASK, import_job_run, import_jobs_sweep


# Below the broker's visibility timeout (settings.CELERY_VISIBILITY_TIMEOUT), so Redis never hands a running import
# to a second worker; a run killed by the limit wrote nothing and is run again by the sweeper.
@shared_task(
    name=RUN_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=settings.CELERY_LONG_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_LONG_TASK_TIME_LIMIT,
)
def import_job_run_task(job_id: int) -> str:
    return import_job_run(job_id=job_id).status


@shared_task(name="registry.import_jobs_sweep", ignore_result=True, soft_time_limit=50, time_limit=55)
def import_jobs_sweep_task() -> int:
    """Beat: send again the import jobs nobody sent (Redis was down) and those whose process died."""
    return len(import_jobs_sweep())
