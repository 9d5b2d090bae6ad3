"""Notices (PDF): size, render time vs bare WeasyPrint, a real notices worker's memory and notices per minute.

Bounded: N approval notices (BENCH_NOTICES, default 24) plus their list's PDF. Side by side in one run: our render
(template, QR code, the process's shared font configuration and stylesheet) against bare WeasyPrint making the same
PDF from the same HTML and CSS with a fresh FontConfiguration each time, as a plain `HTML(...).write_pdf()` does.
Then the jobs are written with Redis unreachable (as after an outage), a real Celery worker is started on the
notices queue, and the sweeper sends them all at t0; the figure is jobs done per minute until the last one is done,
and the worker's resident memory (main process + pool children, sampled while it works) at its peak. A notice for a
enterprise with rare characters (玥, 喆, 䶮, 𠮷) is rendered too: its size is printed, and its text read back. Needs
PostgreSQL and Redis (make bench), and the font subset (make fonts).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from bench.db import fresh_database

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("BENCH_NOTICES", "24"))


def _pool(pid: int) -> list[int]:
    """The worker's main process and its pool children (replaced ones come and go)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [pid, *(int(p) for p in children.read_text().split())]
    except FileNotFoundError:
        return [pid]


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class WorkerSampler:
    """A worker's resident memory (main + pool), summed, at its highest: sampled, and each process's own high-water
    mark (VmHWM) read too, so a peak between two samples is not missed. Sums count pages a child shares with its
    parent twice: the figure errs on the high side. And the CPU time the worker's processes used since `start()`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self.hwm_kib: dict[int, int] = {}
        self.cpu_at_start: dict[int, float] = {}
        self.cpu_now: dict[int, float] = {}

    def start(self) -> None:
        self.cpu_at_start = {one: _cpu_seconds(one) for one in _pool(self.pid)}

    def sample(self) -> None:
        pids = _pool(self.pid)
        self.peak_kib = max(self.peak_kib, sum(_status_kib(one, "VmRSS") for one in pids))
        for one in pids:
            self.hwm_kib[one] = max(self.hwm_kib.get(one, 0), _status_kib(one, "VmHWM"))
            self.cpu_now[one] = max(self.cpu_now.get(one, 0.0), _cpu_seconds(one))

    def peak_mb(self) -> float:
        """The larger of the sampled sum and the main process's high-water mark plus the largest child's."""
        main = self.hwm_kib.get(self.pid, 0)
        child = max((kib for one, kib in self.hwm_kib.items() if one != self.pid), default=0)
        return max(self.peak_kib, main + child) / 1024

    def cpu_seconds(self) -> float:
        return sum(seconds - self.cpu_at_start.get(one, 0.0) for one, seconds in self.cpu_now.items())


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
            "--queues",
            "notices",
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


def _throughput(concurrency: int, media: Path) -> tuple[float, float, int, int, float]:
    """(notices per minute, peak RSS in MB of main + pool, notices done, pool children seen, worker CPU seconds)."""
    from portal.celery import app
    from subsidies.document_jobs import notice_jobs_sweep
    from subsidies.models import Notice, NoticeJob, NoticeJobState

    Notice.objects.all().delete()
    NoticeJob.objects.update(state=NoticeJobState.PENDING, attempts=0, next_attempt_at=timezone.now())
    process = _worker(concurrency, media)
    sampler = WorkerSampler(process.pid)
    children: set[int] = set()
    try:
        with app.connection_for_write() as conn:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not app.control.ping(timeout=1, connection=conn):
                pass
        total = NoticeJob.objects.count()
        sampler.start()
        started = time.perf_counter()
        notice_jobs_sweep()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and NoticeJob.objects.filter(state=NoticeJobState.DONE).count() < total:
            sampler.sample()
            children.update(_pool(process.pid)[1:])
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        sampler.sample()
        done = NoticeJob.objects.filter(state=NoticeJobState.DONE).count()
        return done / elapsed * 60, sampler.peak_mb(), done, len(children), sampler.cpu_seconds()
    finally:
        process.terminate()
        process.wait(timeout=60)


def _bare_weasyprint(html: str, css: str) -> bytes:
    """WeasyPrint as the manual shows it, nothing kept between calls: the same HTML and CSS, a new FontConfiguration
    (which loads fontconfig's configuration and the @font-face files again), the same restrictive fetcher."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from subsidies import documents

    font_config = FontConfiguration()
    fetcher = documents.portal_url_fetcher()
    stylesheet = CSS(string=css, base_url=documents.DOCUMENT_BASE_URL, url_fetcher=fetcher, font_config=font_config)
    return HTML(string=html, base_url=documents.DOCUMENT_BASE_URL, url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], font_config=font_config
    )


def _pdf_text_and_fonts(pdf: bytes) -> tuple[str, list[str]]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont", "")).split("+", 1)[-1])
    return "".join("".join((page.extract_text() or "").split()) for page in reader.pages), sorted(fonts)


def _rare_name_notice(case: object, name: str) -> bytes:
    """The same notice for an enterprise with another name."""
    from subsidies import documents

    case.enterprise.name = name
    context = documents.approval_notice_context(case=case, verification_code="ABCDEFGHJK", issued_on=date(2019, 6, 3))
    return documents.render_pdf("subsidies/pdf/approval_notice.html", context)


def main() -> None:
    import tempfile

    import redis

    from bench.report import report
    from portal.celery import app
    from subsidies import documents, pdf_fonts

    if not pdf_fonts.built_faces():
        print("   the font subset is not built (make fonts): notices embed the full Noto CJK font")
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
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    made = _cases()
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app._pool = None
    app.amqp._producer_pool = None

    case = made[0]
    issued_on = date(2019, 6, 3)
    context = documents.approval_notice_context(case=case, verification_code="ABCDEFGHJK", issued_on=issued_on)
    html = documents.render_document_html("subsidies/pdf/approval_notice.html", context)
    css = documents.document_stylesheet_text()
    # Warm both (imports, fontconfig's cache on disk), then alternate them so that load from other work hits both.
    pdf = documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=issued_on)
    bare_pdf = _bare_weasyprint(html, css)
    ours, bare = [], []
    for _ in range(7):
        t = time.perf_counter()
        pdf = documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=issued_on)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        bare_pdf = _bare_weasyprint(html, css)
        bare.append(time.perf_counter() - t)
    ours_median, bare_median = statistics.median(ours), statistics.median(bare)
    print(f"   approval notice render: median {ours_median * 1000:.0f} ms (template + QR + fetcher + WeasyPrint)")
    print(f"   bare WeasyPrint, same HTML and CSS, fresh FontConfiguration: median {bare_median * 1000:.0f} ms")
    same = "identical" if pdf == bare_pdf else "different"
    print(f"   the two PDFs are {same} ({len(pdf) / 1024:.0f} and {len(bare_pdf) / 1024:.0f} KiB)")
    ratio = ours_median / bare_median
    report("approval notice render vs bare WeasyPrint", ratio, "<= 1.1x", met=ratio <= 1.1, unit="x")
    _text, fonts = _pdf_text_and_fonts(pdf)
    print(f"   fonts embedded: {', '.join(fonts)}")
    size_kib = len(pdf) / 1024
    report("approval notice PDF size", size_kib, "<= 120 KiB", met=size_kib <= 120, unit="KiB")
    # 玥 喆 (GBK), 䶮 (Extension A): in the portal's faces; 𠮷 (Extension B): drawn from the full Noto font.
    for rare_name in ("塔城李䶮玥喆商贸有限公司", "塔城𠮷野商贸有限公司"):
        rare_pdf = _rare_name_notice(case, rare_name)
        rare_text, rare_fonts = _pdf_text_and_fonts(rare_pdf)
        print(
            f"   the same notice for {rare_name}: {len(rare_pdf) / 1024:.0f} KiB, name read back: "
            f"{'yes' if rare_name in rare_text else 'NO'}, fonts: {', '.join(rare_fonts)}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   peak memory of this process (renders in-process): {peak:.0f} MB")
    with tempfile.TemporaryDirectory() as media:
        for concurrency in (1, 2):
            per_minute, rss, done, children, cpu = _throughput(concurrency, Path(media))
            line = (
                f"one notices worker, concurrency {concurrency}: {done} notices, peak RSS {rss:.0f} MB (main + pool, "
                f"{children} pool children seen)"
            )
            if concurrency == 1:
                print(f"   {line}")
                # Other work on the machine stretches the wall clock; the worker's own CPU time per notice says
                # what one process with a core to itself would do.
                if cpu:
                    print(
                        f"   worker CPU time {cpu / max(done, 1) * 1000:.0f} ms per notice: "
                        f"{done / cpu * 60:.0f} notices per minute of the worker's CPU"
                    )
                label = "notices per minute, one worker at concurrency 1"
                report(label, per_minute, ">= 150/min", met=per_minute >= 150, unit="/min")
                report("notices worker peak RSS at concurrency 1", rss, "<= 500 MB", met=rss <= 500, unit="MB")
            else:
                print(f"   {line}, {per_minute:.0f} notices/minute")
    app.conf.task_always_eager = True
