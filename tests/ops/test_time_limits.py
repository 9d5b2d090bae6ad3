"""Redis hands an unacknowledged task to another worker after the visibility timeout: every task must be stopped by
its own time limit before that, or a task still running would run twice (issue 16, point 4)."""

from __future__ import annotations

from django.conf import settings

from portal.celery import app


def test_every_tasks_time_limit_is_below_the_visibility_timeout() -> None:
    app.loader.import_default_modules()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    ours = ("portal.", "registry.", "subsidies.")
    project = {name: task for name, task in app.tasks.items() if name.startswith(ours)}
    assert "registry.tasks.import_job_run_task" in project and "subsidies.refund_offers" in project
    for name, task in project.items():
        limit = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        assert limit < visibility, name


def test_the_import_worker_has_a_queue_of_its_own() -> None:
    routes = settings.CELERY_TASK_ROUTES
    assert routes["registry.tasks.import_job_run_task"]["queue"] == "imports"
    assert routes["subsidies.notice_render"]["queue"] == "notices"
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "default"
