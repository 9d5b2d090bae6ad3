"""Imports with real processes: a Celery worker and beat started against the test's database and Redis db.

- Redis down when the officer uploads: the upload answers, the job waits, and it is done once Redis is back,
  without a person acting (beat's sweeper sends it);
- the worker killed (SIGKILL) in the middle of an import: nothing of that run is kept, the sweeper sends the job
  again once its heartbeat is stale, and a new worker writes every row once;
- the command killed in the middle: the job shows as stopped with a retry button, and `--resume` finishes it.

To catch a run in the middle, the test holds the enterprise table locked (EXCLUSIVE: reads go on, writes wait) from
a connection of its own; the run reads the file, looks its keys up, then waits to write. Production code has no
hook for this.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse

from registry.imports import import_job_create
from registry.models import AuditEvent, Enterprise, ImportJob
from tests.ops.conftest import ROOT, OwnRedis, Processes, database_url, use_broker, wait_for
from tests.ops.test_imports_all_or_nothing import enterprises_csv

FAST = {"IMPORT_STALE_SECONDS": "4", "IMPORT_HEARTBEAT_SECONDS": "1", "IMPORT_SWEEP_SECONDS": "1"}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


@pytest.fixture(autouse=True)
def fast_imports(settings) -> None:
    settings.IMPORT_STALE_SECONDS = int(FAST["IMPORT_STALE_SECONDS"])
    settings.IMPORT_HEARTBEAT_SECONDS = int(FAST["IMPORT_HEARTBEAT_SECONDS"])


@pytest.fixture
def enterprise_table_held() -> Iterator[psycopg2.extensions.connection]:
    params = connection.settings_dict
    held = psycopg2.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params.get("PASSWORD") or None,
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
    )
    with held.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Enterprise._meta.db_table} IN EXCLUSIVE MODE")
    try:
        yield held
    finally:
        held.rollback()
        held.close()


def _someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def _job(pk: int) -> ImportJob:
    return ImportJob.objects.get(pk=pk)


def _written_once(rows: int) -> None:
    assert Enterprise.objects.count() == rows
    assert AuditEvent.objects.filter(action="enterprise_import").count() == rows


def test_an_import_uploaded_while_redis_is_down_is_done_once_redis_is_back(
    celery_processes: Processes, own_redis: OwnRedis, officer, client_for, tmp_path: Path
) -> None:
    # Broker of this test: a Redis of its own, stopped while the officer uploads.
    use_broker(own_redis.url())
    own_redis.stop()
    upload = tmp_path / "enterprises.csv"
    upload.write_bytes(enterprises_csv())
    with upload.open("rb") as handle:
        response = client_for(officer).post(
            reverse("workbench:registry-imports"), {"kind": "enterprises", "file": handle}
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PENDING

    # Redis is back; nobody touches the job: beat's sweeper sends it to the imports worker.
    own_redis.start()
    on_own_redis = {**FAST, "REDIS_URL": own_redis.url()}
    celery_processes.worker("imports", "default", env=on_own_redis)
    celery_processes.beat(tmp_path / "beat-schedule", env=on_own_redis)
    assert wait_for(lambda: _job(job.pk).status == ImportJob.Status.DONE, seconds=90), _job(job.pk).error
    _written_once(3)


def test_a_worker_killed_in_the_middle_of_an_import_leaves_nothing_and_the_sweeper_finishes_it_once(
    celery_processes: Processes, enterprise_table_held, officer, tmp_path: Path
) -> None:
    first = celery_processes.worker("imports", env=FAST)
    job = import_job_create(kind="enterprises", data=enterprises_csv(), file_name="e.csv", actor=officer)
    assert wait_for(lambda: _job(job.pk).status == ImportJob.Status.RUNNING and _someone_waits_for_a_lock())
    celery_processes.kill(first)
    enterprise_table_held.rollback()  # the dead run's transaction is rolled back by PostgreSQL

    assert _job(job.pk).status == ImportJob.Status.RUNNING  # the row still says running: its heartbeat says dead
    _written_once(0)
    celery_processes.worker("imports", "default", env=FAST)
    celery_processes.beat(tmp_path / "beat-schedule", env=FAST)
    assert wait_for(lambda: _job(job.pk).status == ImportJob.Status.DONE, seconds=90), _job(job.pk).error
    assert _job(job.pk).attempts == 2
    _written_once(3)


def test_a_killed_command_leaves_a_stopped_job_that_is_resumed(
    enterprise_table_held, officer, client_for, tmp_path: Path
) -> None:
    upload = tmp_path / "enterprises.csv"
    upload.write_bytes(enterprises_csv())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": database_url(), **FAST}
    command = subprocess.Popen(
        [sys.executable, "manage.py", "import_registry", "enterprises", str(upload)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert wait_for(lambda: ImportJob.objects.filter(status="running").exists() and _someone_waits_for_a_lock())
    finally:
        Processes.kill(command)
    enterprise_table_held.rollback()
    job = ImportJob.objects.get()

    client = client_for(officer)
    assert wait_for(lambda: _job(job.pk).is_stale, seconds=30)
    page = client.get(reverse("workbench:registry-import", args=[job.pk])).content.decode()
    assert "该导入已中断" in page
    assert reverse("workbench:registry-import-retry", args=[job.pk]) in page
    _written_once(0)

    resumed = subprocess.run(
        [sys.executable, "manage.py", "import_registry", "--resume", str(job.pk)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.strip() == "created 3, updated 0, unchanged 0, rejected 0"
    _written_once(3)
