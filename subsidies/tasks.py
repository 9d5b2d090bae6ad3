"""Celery tasks of the subsidies app: thin wrappers over services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from subsidies.services import refund_offers_compute


@shared_task(name="subsidies.refund_offers", ignore_result=True, acks_late=True, time_limit=1800, soft_time_limit=1700)
def refund_offers(year: int | None = None) -> dict[str, int]:
    """Nightly: refresh this year's offers (idempotent; a rerun changes only what changed)."""
    run = refund_offers_compute(year=year or timezone.localdate().year)
    return {"created": run.created, "updated": run.updated, "unchanged": run.unchanged, "deleted": run.deleted}


# --- Notices (PDF): exactly once; see subsidies.notices --------------------------------------------------------


@shared_task(
    bind=True,
    name="subsidies.notice_render",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,  # bounded by the job's own attempts (subsidies.notices.MAX_ATTEMPTS)
    soft_time_limit=120,
    time_limit=180,
)
def notice_render(self, job_id: int) -> str:  # type: ignore[no-untyped-def]
    """Make one notice from its job id (never personal data in the arguments)."""
    from subsidies.notices import notice_job_run

    outcome = notice_job_run(job_id=job_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="subsidies.notice_jobs_sweep", ignore_result=True, soft_time_limit=50, time_limit=55)
def notice_jobs_sweep() -> int:
    """Beat, every minute: send the due notice jobs no worker holds (after Redis was down, or a worker died)."""
    from subsidies.notices import notice_jobs_sweep as sweep

    return len(sweep())


@shared_task(
    name="subsidies.notices_finalise_due", ignore_result=True, acks_late=True, time_limit=900, soft_time_limit=840
)
def notices_finalise_due() -> list[int]:
    """Daily: finalise every public notice whose period has ended with no open objection (idempotent)."""
    from subsidies.cases import notices_finalise_due as finalise_due

    return finalise_due()


@shared_task(name="subsidies.warnings_digest", ignore_result=True, acks_late=True, time_limit=600, soft_time_limit=540)
def warnings_digest(day: str | None = None) -> int:
    """Daily: mail the early warnings (clause (十二)) to the prefecture officers, once per day (idempotent)."""
    from datetime import date

    from subsidies.warnings import warnings_digest_send

    return warnings_digest_send(today=date.fromisoformat(day) if day else timezone.localdate())
