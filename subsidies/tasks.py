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


@shared_task(
    name="subsidies.notices_finalise_due", ignore_result=True, acks_late=True, time_limit=900, soft_time_limit=840
)
def notices_finalise_due() -> list[int]:
    """Daily: finalise every public notice whose period has ended with no open objection (idempotent)."""
    from subsidies.cases import notices_finalise_due as finalise_due

    return finalise_due()
