"""A real Celery worker process, started against the test Redis: /healthz finds it and it runs a real task."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from portal.celery import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def worker() -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "REDIS_URL": settings.REDIS_URL}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "warning",
            "--hostname",
            f"test-{os.getpid()}@%h",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not app.control.ping(timeout=1, connection=conn):
                assert process.poll() is None, "the worker exited at start"
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.timeout(120)
@pytest.mark.django_db
def test_healthz_reports_the_worker_when_one_is_expected(worker: subprocess.Popen[bytes]) -> None:
    with override_settings(HEALTHZ_CHECK_WORKER=True):
        response = Client().get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["worker"]["ok"] is True


@pytest.mark.timeout(120)
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_the_worker_runs_a_task_sent_through_redis(worker: subprocess.Popen[bytes]) -> None:
    # send_task never runs eagerly: the task travels through Redis to the other process.
    from django.core.cache import cache

    from portal.tasks import HEARTBEAT_CACHE_KEY

    cache.delete(HEARTBEAT_CACHE_KEY)
    app.send_task("portal.heartbeat")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and cache.get(HEARTBEAT_CACHE_KEY) is None:
        time.sleep(0.2)
    beat = cache.get(HEARTBEAT_CACHE_KEY)
    assert beat is not None, "the worker did not run the task"
    assert beat.endswith("+00:00")  # an aware timestamp
