"""Periodic tasks run by `celery -A portal beat`. Later issues add entries (nightly offers, notice jobs)."""

from typing import Any

from celery.schedules import crontab


def beat_schedule(*, heartbeat_seconds: float = 60.0, import_sweep_seconds: float = 60.0) -> dict[str, dict[str, Any]]:
    """The schedule; the two intervals come from settings (BEAT_HEARTBEAT_SECONDS, IMPORT_SWEEP_SECONDS)."""
    return {
        # Beat's sign of life, written by a worker: /healthz answers 503 once it is older than BEAT_STALE_SECONDS.
        "heartbeat": {
            "task": "portal.heartbeat",
            "schedule": heartbeat_seconds,
            "options": {"expires": max(1.0, heartbeat_seconds * 0.9)},
        },
        # Notices (PDF): send the due jobs no worker holds (Redis was down, a worker died).
        "notice-jobs-sweep": {"task": "subsidies.notice_jobs_sweep", "schedule": 60.0, "options": {"expires": 55}},
        # Notifications (SMS, email): send the due ones no worker holds.
        "notifications-sweep": {"task": "subsidies.notifications_sweep", "schedule": 60.0, "options": {"expires": 55}},
        # Imports: send again the waiting jobs nobody sent and the running ones whose process died.
        "import-jobs-sweep": {
            "task": "registry.import_jobs_sweep",
            "schedule": import_sweep_seconds,
            "options": {"expires": max(1.0, import_sweep_seconds * 0.9)},
        },
        # 免申即享: refresh this year's stable-job refund offers every night at 02:30 (Asia/Shanghai).
        "refund-offers-nightly": {"task": "subsidies.refund_offers", "schedule": crontab(hour=2, minute=30)},
        # 公示: finalise the public notices whose period ended without an open objection, daily at 00:30.
        "notices-finalise-due": {"task": "subsidies.notices_finalise_due", "schedule": crontab(hour=0, minute=30)},
        # 分级预警: the daily digest of early warnings to the prefecture officers, at 07:30.
        "warnings-digest": {"task": "subsidies.warnings_digest", "schedule": crontab(hour=7, minute=30)},
        # 好差评: escalate to the prefecture the bad ratings' follow-ups past their last day, daily at 00:45.
        "follow-ups-escalate-due": {
            "task": "subsidies.follow_ups_escalate_due",
            "schedule": crontab(hour=0, minute=45),
        },
        # 告知承诺制: draw the decided cases with commitments for the post-check, daily at 01:15.
        "commitment-draws": {"task": "subsidies.commitment_draws", "schedule": crontab(hour=1, minute=15)},
    }


BEAT_SCHEDULE: dict[str, dict[str, Any]] = beat_schedule()
