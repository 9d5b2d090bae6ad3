"""Periodic tasks run by `celery -A portal beat`. Later issues add entries (nightly offers, notice jobs)."""

from typing import Any

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "heartbeat": {"task": "portal.heartbeat", "schedule": 60.0, "options": {"expires": 55}},
}
