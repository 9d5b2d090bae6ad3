"""Periodic tasks run by `celery -A portal beat`. Later issues add entries (nightly offers, notice jobs)."""

from typing import Any

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "heartbeat": {"task": "portal.heartbeat", "schedule": 60.0, "options": {"expires": 55}},
    # Notices (PDF): send the due jobs no worker holds (Redis was down, a worker died).
    "notice-jobs-sweep": {"task": "subsidies.notice_jobs_sweep", "schedule": 60.0, "options": {"expires": 55}},
    # 免申即享: refresh this year's stable-job refund offers every night at 02:30 (Asia/Shanghai).
    "refund-offers-nightly": {"task": "subsidies.refund_offers", "schedule": crontab(hour=2, minute=30)},
    # 公示: finalise the public notices whose period ended without an open objection, daily at 00:30.
    "notices-finalise-due": {"task": "subsidies.notices_finalise_due", "schedule": crontab(hour=0, minute=30)},
    # 分级预警: the daily digest of early warnings to the prefecture officers, at 07:30.
    "warnings-digest": {"task": "subsidies.warnings_digest", "schedule": crontab(hour=7, minute=30)},
}
