"""The Celery app. Configuration lives in Django settings under the CELERY_ prefix."""

import os

from celery import Celery
from django.conf import settings

from portal import observability  # noqa: F401  (connects the signals that carry request ids into tasks)
from portal.beat import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _load_beat_schedule(sender: Celery, **kwargs: object) -> None:
    sender.conf.beat_schedule = beat_schedule(
        heartbeat_seconds=settings.BEAT_HEARTBEAT_SECONDS, import_sweep_seconds=settings.IMPORT_SWEEP_SECONDS
    )


class BoundedRetryTask(app.Task):  # type: ignore[name-defined,misc]
    """Base for tasks that touch other systems: a bounded, backed-off retry policy."""

    abstract = True
    max_retries = 5
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
