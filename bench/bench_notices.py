"""Notices (PDF): per minute for one worker process (concurrency 1 and 2), render time vs bare WeasyPrint, size, memory.

Bounded: N approval notices (BENCH_NOTICES, default 24) plus their list's PDF. The jobs are written with Redis
unreachable (as after an outage), a real worker process is started, and the sweeper sends them all at t0; the
figure is jobs done per minute until the last one is done. Needs PostgreSQL and Redis (make bench).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from bench.db import fresh_database

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("BENCH_NOTICES", "24"))


def _peak_rss_mb(pid: int) -> float:
    """VmHWM of a process and its children (prefork pool), in MB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def _cases() -> list:
    from portal.models import User
    from registry.demo import demo_credit_code
    from registry.models import County
    from registry.services import enterprise_register, insurance_year_record
    from subsidies.cases import publication, workflow
    from subsidies.models import CaseKind, NoticeListKind

    officer = User.objects.create_superuser("bench-officer", password="x")  # noqa: S106
    tacheng = County.objects.get(code="654201")
    officer.county = tacheng
    officer.save()
    made = []
    for i in range(N):
        ent = enterprise_register(
            credit_code=demo_credit_code(90000 + i, "654201"),
            name=f"塔城基准企业{i:03d}有限公司",
            county=tacheng,
            size_class="small",
            actor=officer,
        )
        insurance_year_record(
            enterprise=ent,
            year=2018,
            actor=officer,
            insured_at_start=40,
            insured_at_end=39,
            retired_or_deceased=1,
            ui_premiums_paid=Decimal("48000.00") + i,
            ui_months_paid_in_full=12,
            monthly_social_insurance_due=Decimal("30000"),
        )
        case = workflow.case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=ent, year=2019, actor=officer)
        workflow.case_draft_save(
            case=case,
            actor=officer,
            track="standard",
            bank_account="6222021234567890123",
            answers={
                "ui_premiums_paid_last_year": str(Decimal("48000.00") + i),
                "ui_months_paid_in_full": 12,
                "insured_at_start": 40,
                "insured_at_end": 39,
                "retired_or_deceased": 1,
            },
        )
        case = workflow.case_submit(case=case, token=uuid.uuid4(), actor=officer)
        workflow.case_take(case=case, actor=officer)
        made.append(workflow.case_approve(case=case, actor=officer))
    notice = publication.notice_publish(
        kind=NoticeListKind.REFUND_APPROVALS,
        county=tacheng,
        title="基准公示",
        starts_on=timezone.localdate(),
        actor=officer,
    )
    publication.notice_finalise(notice=notice, actor=officer, today=notice.ends_on + timedelta(days=1))
    return made


def _worker(concurrency: int, media: Path) -> subprocess.Popen[bytes]:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.bench",
        "MEDIA_ROOT": str(media),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "error",
            "--hostname",
            f"bench-notices-{concurrency}@%h",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _throughput(concurrency: int, media: Path) -> tuple[float, float, int]:
    from portal.celery import app
    from subsidies.document_jobs import notice_jobs_sweep
    from subsidies.models import Notice, NoticeJob, NoticeJobState

    Notice.objects.all().delete()
    NoticeJob.objects.update(state=NoticeJobState.PENDING, attempts=0, next_attempt_at=timezone.now())
    process = _worker(concurrency, media)
    try:
        with app.connection_for_write() as conn:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not app.control.ping(timeout=1, connection=conn):
                pass
        total = NoticeJob.objects.count()
        started = time.perf_counter()
        notice_jobs_sweep()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and NoticeJob.objects.filter(state=NoticeJobState.DONE).count() < total:
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        done = NoticeJob.objects.filter(state=NoticeJobState.DONE).count()
        return done / elapsed * 60, _peak_rss_mb(process.pid), done
    finally:
        process.terminate()
        process.wait(timeout=60)


def main() -> None:
    import tempfile

    import redis
    from weasyprint import HTML

    from portal.celery import app
    from subsidies import documents

    fresh_database()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    app.conf.task_always_eager = False
    # Write the jobs as during a Redis outage: they wait in the database for the sweeper.
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    import logging

    logging.getLogger("subsidies.document_jobs").setLevel(logging.ERROR)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    made = _cases()
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app._pool = None
    app.amqp._producer_pool = None

    case = made[0]
    today = timezone.localdate()
    context = documents.approval_notice_context(case=case, verification_code="ABCDEFGHJK", issued_on=today)
    html = documents.render_document_html("subsidies/pdf/approval_notice.html", context)
    ours, bare = [], []
    for _ in range(7):
        t = time.perf_counter()
        pdf = documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=timezone.localdate())
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        HTML(string=html).write_pdf()
        bare.append(time.perf_counter() - t)
    ours_median, bare_median = statistics.median(ours), statistics.median(bare)
    print(f"   approval notice render: median {ours_median * 1000:.0f} ms (template + QR + fetcher + WeasyPrint)")
    print(f"   bare weasyprint.HTML(string=...).write_pdf() of the same HTML: median {bare_median * 1000:.0f} ms")
    print(f"   ratio: {ours_median / bare_median:.2f}")
    print(f"   PDF size: {len(pdf) / 1024:.0f} KiB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   peak memory of this process (renders in-process): {peak:.0f} MB")
    with tempfile.TemporaryDirectory() as media:
        for concurrency in (1, 2):
            per_minute, rss, done = _throughput(concurrency, Path(media))
            print(
                f"   one worker process, concurrency {concurrency}: {done} notices, {per_minute:.0f} notices/minute, "
                f"peak RSS {rss:.0f} MB (main + pool)"
            )
    app.conf.task_always_eager = True
