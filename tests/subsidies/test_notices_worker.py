"""Notices with a real Celery worker process, real Redis (the test's db) and the test's PostgreSQL database.

- finalising a case produces its notice, and the same job sent twice more leaves one file and one hash;
- the worker killed (SIGKILL) in the middle of rendering, then restarted: exactly one notice, complete;
- Redis unreachable at the moment of the decision: the decision commits, the job waits, the sweeper sends it later.

To catch the worker in the middle of making a notice, the test holds the notice table locked (EXCLUSIVE: reads go
on, writes wait) from a connection of its own: the worker renders the PDF, stores the file, then waits to record it,
holding its job's row lock, and is killed there. Production code has no hook for this.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from portal.celery import app
from portal.roles import Role
from portal.tasks import HEARTBEAT_CACHE_KEY
from subsidies import document_jobs
from subsidies.models import CaseState, DocumentKind, Notice, NoticeJob, NoticeJobState

ROOT = Path(__file__).resolve().parents[2]
DEAD_BROKER = "redis://127.0.0.1:1/9"  # nothing listens on port 1

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _use_broker(url: str) -> None:
    """Point this process's producer at another broker URL (its pools were made for the old one)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def through_redis() -> Iterator[None]:
    """Send tasks through Redis from this process (the test settings run them eagerly otherwise)."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # this run's own Redis db: no message left from before
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True
        _use_broker(settings.CELERY_BROKER_URL)


@pytest.fixture
def start_worker(media: Path, through_redis: None) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        name = f"notices-{os.getpid()}-{len(started)}@%h"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": _test_database_url(),  # the database of this test, not the default one
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(media),
        }
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
                name,
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        deadline = time.monotonic() + 60
        with app.connection_for_write() as conn:
            while time.monotonic() < deadline:
                assert process.poll() is None, "the worker exited at start"
                if app.control.ping(timeout=1, connection=conn):
                    break
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _hold_notice_table() -> psycopg2.extensions.connection:
    """A connection of the test's own that holds the notice table in EXCLUSIVE mode until it rolls back."""
    params = connection.settings_dict
    held = psycopg2.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params.get("PASSWORD") or None,
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
    )
    with held.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Notice._meta.db_table} IN EXCLUSIVE MODE")
    return held


def _wait_for(predicate: Callable[[], bool], *, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _job_state(job_id: int) -> str:
    return NoticeJob.objects.values_list("state", flat=True).get(pk=job_id)


def _worker_has_caught_up() -> None:
    """The solo worker runs its queue in order: once a heartbeat sent now has run, all sent before it have too."""
    cache.delete(HEARTBEAT_CACHE_KEY)
    app.send_task("portal.heartbeat")
    assert _wait_for(lambda: cache.get(HEARTBEAT_CACHE_KEY) is not None), "the worker did not catch up"


def _assert_one_complete_notice(job: NoticeJob, media: Path) -> Notice:
    assert Notice.objects.filter(job=job).count() == 1
    notice = Notice.objects.get(job=job)
    files = sorted(p.name for p in (media / "notices" / job.kind).iterdir())
    assert files == [f"{job.pk:08d}.pdf"]
    content = storages["default"].open(notice.file).read()
    assert hashlib.sha256(content).hexdigest() == notice.sha256 and len(content) == notice.size
    reader = PdfReader(media / notice.file)
    assert notice.reference in "".join(page.extract_text() for page in reader.pages)
    return notice


@pytest.fixture
def people(make_user, caseworker, officer):
    return make_user(Role.ENTERPRISE_APPLICANT), caseworker, officer


def test_finalising_a_case_produces_its_notice_through_the_worker_once(
    people, start_worker, media, approve_refund, publish_and_finalise
) -> None:
    applicant, caseworker, officer = people
    start_worker()
    case = publish_and_finalise(approve_refund(applicant, caseworker, officer), officer)
    job = NoticeJob.objects.get(case=case, kind=DocumentKind.APPROVAL)
    assert _wait_for(lambda: _job_state(job.pk) == NoticeJobState.DONE), NoticeJob.objects.get(pk=job.pk).last_error
    notice = _assert_one_complete_notice(job, media)
    stored_at = (media / notice.file).stat().st_mtime_ns
    # The same job run twice more (a duplicate delivery, a sweeper's resend): one file, one hash, untouched.
    document_jobs.notice_job_enqueue(job_id=job.pk)
    document_jobs.notice_job_enqueue(job_id=job.pk)
    _worker_has_caught_up()
    again = _assert_one_complete_notice(job, media)
    assert again.sha256 == notice.sha256 and (media / notice.file).stat().st_mtime_ns == stored_at
    assert NoticeJob.objects.get(pk=job.pk).attempts == 1


def test_a_worker_killed_while_rendering_leaves_exactly_one_complete_notice(
    people, start_worker, media, approve_refund, publish_and_finalise
) -> None:
    applicant, caseworker, officer = people
    held = _hold_notice_table()
    try:
        slow = start_worker()
        # Finalising orders two documents: the published list's PDF (at publication) and the approval notice.
        case = publish_and_finalise(approve_refund(applicant, caseworker, officer), officer)
        jobs = list(NoticeJob.objects.order_by("id"))
        assert {job.kind for job in jobs} == {DocumentKind.PUBLIC_NOTICE_LIST, DocumentKind.APPROVAL}

        def rendering() -> NoticeJob | None:
            return NoticeJob.objects.filter(state=NoticeJobState.RUNNING).first()

        assert _wait_for(lambda: rendering() is not None), "the worker never started rendering"
        killed = rendering()
        # The PDF is made and stored; the worker now waits for the notice table, holding its job's lock.
        assert _wait_for(lambda: (media / document_jobs.notice_path(killed)).exists()), "the file was never stored"
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=30)
    finally:
        held.rollback()
        held.close()
    assert not Notice.objects.filter(job=killed).exists()
    assert _job_state(killed.pk) == NoticeJobState.RUNNING  # the attempt was counted; the render died with it

    start_worker()
    # A minute later (after the lease), the beat's sweeper finds the job no worker holds and sends it again.
    swept = document_jobs.notice_jobs_sweep(now=timezone.now() + document_jobs.LEASE + timedelta(seconds=1))
    assert killed.pk in swept
    for job in jobs:
        assert _wait_for(lambda job=job: _job_state(job.pk) == NoticeJobState.DONE), job.kind
        _assert_one_complete_notice(job, media)
    assert NoticeJob.objects.get(pk=killed.pk).attempts == 2
    assert NoticeJob.objects.get(case=case, kind=DocumentKind.APPROVAL).state == NoticeJobState.DONE


def test_redis_down_at_the_decision_commits_it_and_the_sweeper_sends_the_job_later(
    people, start_worker, media, caplog, approve_refund, publish_and_finalise
) -> None:
    applicant, caseworker, officer = people
    start_worker()
    case = approve_refund(applicant, caseworker, officer)
    _use_broker(DEAD_BROKER)
    try:
        case = publish_and_finalise(case, officer)  # on commit, sending the job fails: logged, not raised
    finally:
        _use_broker(settings.CELERY_BROKER_URL)
    assert "could not be sent to the workers" in caplog.text
    case.refresh_from_db()
    assert case.state == CaseState.FINAL
    job = NoticeJob.objects.get(case=case, kind=DocumentKind.APPROVAL)
    _worker_has_caught_up()
    assert _job_state(job.pk) == NoticeJobState.PENDING and not Notice.objects.filter(job=job).exists()

    # Redis is back: the next sweep sends every pending job.
    assert job.pk in document_jobs.notice_jobs_sweep()
    assert _wait_for(lambda: _job_state(job.pk) == NoticeJobState.DONE), NoticeJob.objects.get(pk=job.pk).last_error
    _assert_one_complete_notice(job, media)
