"""Application submission: req/s of the check-your-answers POST under gunicorn, beside a bare view inserting one row.

Setup builds enterprises, each with an insurance year, one confirmed applicant signed in (a session) and one
complete stable-job refund draft. gunicorn (127.0.0.1, a free port, 2 sync workers, this module's
app factory) then serves the portal plus a bench-only view that inserts one row; Python threads POST over loopback
with the same session and CSRF cookies to both: each submission POST submits a different draft (reference number,
calculator run, audit row, transition). A few seconds of load each. Prints figures; never asserts a time.

The gunicorn runs with Celery not eager (CELERY_EAGER=0), as in production: a submission publishes its
notification task to Redis and answers; a worker sends the SMS and email. The sending is then measured on its own
(notifications per second of one process, the default queue's work), and the queued messages are removed.
"""

from __future__ import annotations

import http.client
import logging
import os
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.load import gunicorn, hammer_side_by_side, wait_until_up, wsgi_app_with
from bench.report import report

DRAFTS = 2000
CONCURRENCY = 4
SECONDS = 6.0


# --- The bench-only URLconf and WSGI app factory (used by the gunicorn this benchmark starts) ---------------------


def bare_insert(request: Any) -> Any:
    """A POST that inserts one row and answers: the floor of any view that writes."""
    from django.http import HttpResponse

    from registry.models import AuditEvent

    AuditEvent.objects.create(action="bench_insert", target_type="bench", target_id="0")
    return HttpResponse("ok")


def __getattr__(name: str) -> Any:
    # Django reads `urlpatterns` only once settings are set up; build it then (module __getattr__, PEP 562).
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("bench/insert/", bare_insert), path("", include("portal.urls"))]
    raise AttributeError(name)


def make_app() -> Any:
    """gunicorn 'bench.bench_submission:make_app()': the portal, plus the bare view, on the bench settings."""
    return wsgi_app_with("bench.bench_submission")


# --- Setup --------------------------------------------------------------------------------------------------------


def _credit_code(n: int) -> str:
    from registry.identifiers import credit_code_check_character, organisation_code_check_digit

    org = f"B{n:07d}"
    body = f"91654201{org}{organisation_code_check_digit(org)}"
    return body + credit_code_check_character(body)


def _populate(count: int) -> list[tuple[int, str]]:
    """`count` enterprises, each with its insurance year, one confirmed applicant with a signed-in session and a
    complete draft. Returns (draft pk, session key) pairs."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from portal.auth import SIGN_IN_BACKEND
    from portal.models import EnterpriseMembership, User
    from portal.roles import Role
    from registry.crypto import mask_bank_account
    from registry.models import County, Enterprise, InsuranceYear
    from subsidies.models import Case, CaseKind

    county = County.objects.get(code="654201")
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(credit_code=_credit_code(n), name=f"基准申请企业{n:05d}", county=county, size_class="small")
            for n in range(count)
        ]
    )
    InsuranceYear.objects.bulk_create(
        [
            InsuranceYear(
                enterprise=e,
                year=2018,
                insured_at_start=40,
                insured_at_end=39,
                retired_or_deceased=1,
                ui_premiums_paid=Decimal("48000.00"),
                ui_months_paid_in_full=12,
                monthly_social_insurance_due=Decimal("30000.00"),
            )
            for e in enterprises
        ]
    )
    unusable = User().password  # nobody signs in with a password: the sessions are made below
    users = User.objects.bulk_create(
        [
            User(username=f"bench-{n}@example.invalid", email=f"bench-{n}@example.invalid", password=unusable)
            for n in range(count)
        ]
    )
    Group.objects.get(name=Role.ENTERPRISE_APPLICANT.value).user_set.add(*users)
    now = timezone.now()
    EnterpriseMembership.objects.bulk_create(
        [
            EnterpriseMembership(user=u, enterprise=e, email_confirmed_at=now)
            for u, e in zip(users, enterprises, strict=True)
        ]
    )
    answers = {
        "ui_premiums_paid_last_year": "48000.00",
        "ui_months_paid_in_full": 12,
        "insured_at_start": 40,
        "insured_at_end": 39,
        "retired_or_deceased": 1,
        "figures_source": "registry",
        "bank_name": "中国工商银行塔城分行",
        "declaration": True,
    }
    account = "6222021234567890123"
    cases = Case.objects.bulk_create(
        [
            Case(
                kind=CaseKind.STABLE_JOB_REFUND,
                enterprise=e,
                county=county,
                year=2019,
                track="standard",
                answers=answers,
                bank_account=account,
                bank_account_masked=mask_bank_account(account),
                created_by=u,
            )
            for u, e in zip(users, enterprises, strict=True)
        ],
        batch_size=1000,
    )
    store = SessionStore()
    expires = now + timezone.timedelta(hours=2)
    sessions = [
        Session(
            session_key=get_random_string(32),
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: SIGN_IN_BACKEND,
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )
        for user in users
    ]
    Session.objects.bulk_create(sessions, batch_size=1000)
    return [(c.pk, s.session_key) for c, s in zip(cases, sessions, strict=True)]


# --- Load ---------------------------------------------------------------------------------------------------------


def _post(port: int, path: str, fields: dict[str, str], cookie: str) -> int:
    return _post_answer(port, path, fields, cookie)[0]


def _post_answer(port: int, path: str, fields: dict[str, str], cookie: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        conn.request("POST", path, body=urlencode(fields), headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()


def _gunicorn(drafts: list[tuple[int, str]]) -> None:
    from django.utils.crypto import get_random_string

    csrf = get_random_string(32)  # the CSRF cookie's secret, sent back in the form as a browser does
    pending = iter(drafts)
    lock = threading.Lock()
    bare_cookie = f"sessionid={drafts[-1][1]}; csrftoken={csrf}"  # the same middleware work, signed in

    with gunicorn("bench.bench_submission:make_app()") as (port, server):

        def bare() -> int:
            return _post(port, "/bench/insert/", {"csrfmiddlewaretoken": csrf}, bare_cookie)

        def submit_answer() -> tuple[int, str] | None:
            with lock:
                pk, session = next(pending, (None, None))
            if pk is None:
                return None
            fields = {"csrfmiddlewaretoken": csrf, "token": str(uuid.uuid4())}
            cookie = f"sessionid={session}; csrftoken={csrf}"
            return _post_answer(port, f"/apply/stable-job-refund/{pk}/check/", fields, cookie)

        def submit() -> int | None:
            answer = submit_answer()
            return None if answer is None else answer[0]

        if not wait_until_up(server, lambda: bare() == 200):
            return
        first = submit_answer()
        # A redirect to the confirmation, not to the sign-in page: the session must really be signed in.
        if first is None or first[0] != 302 or "/confirmation/" not in first[1]:
            print(f"   the submission answered {first}; not measuring")
            return
        for _ in range(10):  # warm up both
            bare()
            submit()
        loads = hammer_side_by_side({"bare": bare, "submit": submit}, concurrency=CONCURRENCY, seconds=SECONDS)
        bare_load, submit_load = loads["bare"], loads["submit"]
        print(
            f"   gunicorn (2 sync workers, {CONCURRENCY} client threads, {SECONDS:.0f} s each in alternating slices, "
            "loopback):"
        )
        print(
            f"   bare view inserting one row: {bare_load.rate:,.0f} req/s "
            f"({bare_load.count} requests, {bare_load.unexpected(200)} unexpected)"
        )
        print(
            f"   application submission (check page POST): {submit_load.rate:,.0f} req/s "
            f"({submit_load.count} submitted, {submit_load.unexpected(302)} unexpected)"
        )
        print(
            f"   application submission p50 {submit_load.percentile_ms(0.5):.1f} ms, "
            f"p95 {submit_load.percentile_ms(0.95):.1f} ms; bare insert p50 {bare_load.percentile_ms(0.5):.1f} ms"
        )
        ratio = submit_load.rate / bare_load.rate
        report("application submission / bare one-row insert", ratio, ">= 0.4", met=ratio >= 0.4, unit="x req/s")
        rss = _workers_rss_mib(server.pid)
        if rss:
            print(f"   web worker memory after the load: {', '.join(f'{r:,.0f}' for r in rss)} MiB RSS per process")


def main() -> None:
    from django.db import connections

    from bench.db import fresh_database
    from subsidies.models import Case, CaseState

    fresh_database()
    started = time.perf_counter()
    drafts = _populate(DRAFTS)
    print(
        f"   setup: {len(drafts):,} enterprises, each with a signed-in applicant and a complete refund draft, "
        f"in {time.perf_counter() - started:.1f} s"
    )
    size_before = _database_bytes()
    connections.close_all()
    # As in production: the request publishes the notification task to Redis; a worker sends it (measured below).
    os.environ["CELERY_EAGER"] = "0"
    try:
        _gunicorn(drafts)
    finally:
        os.environ.pop("CELERY_EAGER", None)
        _purge_queued_tasks()
    submitted = Case.objects.filter(state=CaseState.SUBMITTED).count()
    print(f"   cases submitted: {submitted:,}; each with one reference number and one audit row")
    if submitted:
        grown = _database_bytes() - size_before
        print(f"   database growth per submission: {grown / submitted:,.0f} bytes (pg_database_size over {submitted})")
    _send_notifications()


def _purge_queued_tasks() -> None:
    """Measure, then remove, the notification tasks the submissions queued (no worker runs during the benchmark)."""
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            client = conn.default_channel.client
            queued = client.llen("default")
            if queued:
                used = client.memory_usage("default", samples=0) or 0
                print(f"   Redis: {queued:,} queued notification tasks, {used / queued:,.0f} bytes each (MEMORY USAGE)")
            conn.default_channel.queue_purge("default")
    except Exception as exc:  # a bench without Redis has nothing queued
        print(f"   (queued tasks not measured or purged: {exc.__class__.__name__})")


def _workers_rss_mib(pid: int) -> list[float]:
    """The resident memory of gunicorn's worker processes (children of its arbiter), from /proc."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    sizes = []
    for child in children:
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def _database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def _send_notifications(limit: int = 200) -> None:
    """The worker's side of a submission: send the pending notifications in this process, one task each (eager)."""
    from subsidies.models import Notification, NotificationState
    from subsidies.tasks import notification_send

    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # not one log line per task
    pending = Notification.objects.filter(state=NotificationState.PENDING).order_by("id")
    ids = list(pending.values_list("id", flat=True)[:limit])
    if not ids:
        return
    started = time.perf_counter()
    for notification_id in ids:
        notification_send.apply(args=[notification_id])
    elapsed = time.perf_counter() - started
    print(
        f"   worker side: {len(ids)} submission notifications (SMS + email) sent in one process: "
        f"{len(ids) / elapsed:,.0f} per s"
    )
