"""/healthz tells the truth about beat and the workers of every queue (real processes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from portal.tasks import HEARTBEAT_CACHE_KEY
from tests.ops.conftest import Processes, wait_for

FAST_BEAT = {"BEAT_HEARTBEAT_SECONDS": "1", "BEAT_STALE_SECONDS": "4"}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def _beat_check(client: Client) -> tuple[int, dict]:
    response = client.get("/healthz?only=beat")
    return response.status_code, response.json()["checks"]["beat"]


def test_healthz_answers_503_within_the_heartbeat_window_once_beat_is_killed(
    settings, celery_processes: Processes, tmp_path: Path
) -> None:
    settings.HEALTHZ_CHECK_BEAT = True
    settings.BEAT_STALE_SECONDS = int(FAST_BEAT["BEAT_STALE_SECONDS"])
    cache.delete(HEARTBEAT_CACHE_KEY)
    client = Client()
    assert _beat_check(client)[0] == 503  # no heartbeat yet: beat was never seen

    celery_processes.worker("default", env=FAST_BEAT)
    beat = celery_processes.beat(tmp_path / "beat-schedule", env=FAST_BEAT)
    assert wait_for(lambda: _beat_check(client)[0] == 200, seconds=60)
    assert client.get("/healthz").status_code == 200

    celery_processes.kill(beat)
    # Dead within BEAT_STALE_SECONDS of its last heartbeat (a little more for the last one sent).
    assert wait_for(lambda: _beat_check(client)[0] == 503, seconds=int(FAST_BEAT["BEAT_STALE_SECONDS"]) + 5)
    _status, check = _beat_check(client)
    assert check["ok"] is False and "heartbeat" in check["detail"]
    assert client.get("/healthz").status_code == 503


def test_healthz_names_a_queue_that_no_worker_consumes(settings, celery_processes: Processes) -> None:
    settings.HEALTHZ_CHECK_WORKER = True
    client = Client()
    celery_processes.worker("imports")
    response = client.get("/healthz?only=worker")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["detail"] == "no worker for the queue(s) default, notices"
    celery_processes.worker("default", "notices")
    assert client.get("/healthz?only=worker").status_code == 200


def test_the_containers_healthcheck_command_fails_without_a_recent_heartbeat(settings) -> None:
    settings.BEAT_STALE_SECONDS = 60
    cache.set(HEARTBEAT_CACHE_KEY, "2020-01-01T00:00:00+00:00", 60)
    with pytest.raises(CommandError) as exc:
        call_command("healthcheck", "--only", "beat")
    assert exc.value.returncode == 1
    cache.delete(HEARTBEAT_CACHE_KEY)
