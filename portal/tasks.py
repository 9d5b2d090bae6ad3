"""Tasks of the portal itself."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "portal:celery-heartbeat"


@shared_task(name="portal.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Beat sends this every minute; the time a worker last ran it shows that beat and workers are alive."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, now, 60 * 60)
    return now
