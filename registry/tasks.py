"""Celery tasks of the registry. Tasks take ids, never file content or personal data."""

from __future__ import annotations

from celery import shared_task

from registry.imports import RUN_TASK, import_job_run


@shared_task(name=RUN_TASK, acks_late=True, soft_time_limit=1800, time_limit=1900)
def import_job_run_task(job_id: int) -> str:
    return import_job_run(job_id=job_id).status
