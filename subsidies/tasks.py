"""Celery tasks of the subsidies app: thin wrappers over services."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from subsidies.cases.publication import notices_finalise_due as finalise_due
from subsidies.commitments import commitment_draws_due
from subsidies.document_jobs import notice_job_run
from subsidies.document_jobs import notice_jobs_sweep as sweep
from subsidies.measures.m01_stable_job_refund import refund_offers_compute
from subsidies.notifications import notification_run
from subsidies.notifications import notifications_sweep as sweep_notifications
from subsidies.ratings import follow_up_escalate as escalate_one
from subsidies.ratings import follow_ups_escalate_due as escalate_due
from subsidies.warnings import warnings_digest_send


@shared_task(name="subsidies.refund_offers", ignore_result=True, acks_late=True, time_limit=1800, soft_time_limit=1700)
def refund_offers(year: int | None = None) -> dict[str, int]:
    """Nightly: refresh this year's offers (idempotent; a rerun reads only what changed, and changes only that)."""
    run = refund_offers_compute(year=year or timezone.localdate().year)
    return {
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "deleted": run.deleted,
        "withdrawn": run.withdrawn,
        "confirmed": run.confirmed,
        "computed": run.computed,
    }


# --- Notices (PDF): exactly once; see subsidies.document_jobs --------------------------------------------------------


@shared_task(
    bind=True,
    name="subsidies.notice_render",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,  # bounded by the job's own attempts (subsidies.document_jobs.MAX_ATTEMPTS)
    soft_time_limit=120,
    time_limit=180,
)
def notice_render(self, job_id: int) -> str:  # type: ignore[no-untyped-def]
    """Make one notice from its job id (never personal data in the arguments)."""
    outcome = notice_job_run(job_id=job_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="subsidies.notice_jobs_sweep", ignore_result=True, soft_time_limit=50, time_limit=55)
def notice_jobs_sweep() -> int:
    """Beat, every minute: send the due notice jobs no worker holds (after Redis was down, or a worker died)."""
    return len(sweep())


@shared_task(
    name="subsidies.notices_finalise_due", ignore_result=True, acks_late=True, time_limit=900, soft_time_limit=840
)
def notices_finalise_due() -> list[int]:
    """Daily: finalise every public notice whose period has ended with no open objection (idempotent)."""
    return finalise_due()


@shared_task(name="subsidies.warnings_digest", ignore_result=True, acks_late=True, time_limit=600, soft_time_limit=540)
def warnings_digest(day: str | None = None) -> int:
    """Daily: mail the early warnings (clause （十二）) to the prefecture officers, once per day (idempotent)."""
    return warnings_digest_send(today=date.fromisoformat(day) if day else timezone.localdate())


# --- Notifications (SMS and email): sent once; see subsidies.notifications ------------------------------------------


@shared_task(
    bind=True,
    name="subsidies.notification_send",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,  # bounded by the notification's own attempts (subsidies.notifications.MAX_ATTEMPTS)
    soft_time_limit=60,
    time_limit=90,
)
def notification_send(self, notification_id: int) -> str:  # type: ignore[no-untyped-def]
    """Send one notification from its id (the phone and the email are read in the task, never passed to it)."""
    state, retry_in = notification_run(notification_id=notification_id)
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in)
    return state


@shared_task(name="subsidies.notifications_sweep", ignore_result=True, soft_time_limit=50, time_limit=55)
def notifications_sweep() -> int:
    """Beat, every minute: send the due notifications no worker holds (after Redis was down, or a worker died)."""
    return len(sweep_notifications())


@shared_task(name="subsidies.commitment_draws", ignore_result=True, acks_late=True, time_limit=600, soft_time_limit=540)
def commitment_draws() -> int:
    """Daily (告知承诺制): draw every decided case with commitments not drawn yet for the post-check (idempotent)."""
    return commitment_draws_due()


@shared_task(
    name="subsidies.follow_ups_escalate_due", ignore_result=True, acks_late=True, time_limit=600, soft_time_limit=540
)
def follow_ups_escalate_due() -> list[int]:
    """Daily (好差评): escalate to the prefecture every bad rating's follow-up past its last day (idempotent)."""
    return escalate_due()


@shared_task(name="subsidies.follow_up_escalate", ignore_result=True, acks_late=True, time_limit=60, soft_time_limit=50)
def follow_up_escalate(follow_up_id: int) -> bool:
    """Escalate one overdue follow-up (by id; nothing happens when it is closed, escalated or not yet due)."""
    return escalate_one(follow_up_id=follow_up_id)
