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
