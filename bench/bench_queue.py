"""Workbench queue: first page filtered by county and state over 100,000 cases, beside Django admin's changelist.

Builds 100,000 cases spread over the 8 counties and every state after draft (bulk_create, PostgreSQL), starts
gunicorn on 127.0.0.1 (a free port, 2 sync workers, the portal's own URLconf and middleware, bench settings) and
drives it from Python threads over loopback for a few seconds per page:
  - /workbench/cases/?county=<塔城市>&state=submitted            (keyset page, no COUNT)
  - /admin/subsidies/case/?county__id__exact=<塔城市>&state__exact=submitted   (Django admin, same filter)
Both as the same signed-in prefecture officer (a superuser, so admin lets them in). Sign-in: the benchmark creates
the session itself, as after password and TOTP (the session holds django-otp's device key), so the two-factor
middleware stays on and is measured too. Prints req/s, p50/p95 and the ratio; never asserts a time.
"""

from __future__ import annotations

import http.client
import random
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bench.load import gunicorn, hammer_side_by_side, wait_until_up
from bench.report import report

CASES = 100_000
CONCURRENCY = 4
SECONDS = 8.0
YEARS = (2019, 2020)


def _populate() -> dict[str, Any]:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from bench.bench_offers import _credit_code
    from portal.models import User
    from portal.roles import Role
    from registry.models import County, Enterprise
    from subsidies.models import Case, CaseKind, CaseState

    rng = random.Random(2019)  # synthetic, reproducible
    counties = list(County.objects.order_by("code"))
    code_of = {county.pk: county.code for county in counties}
    officer = User.objects.create_superuser(username="bench.officer", password=None, email="")
    officer.groups.add(Group.objects.get(name=Role.PREFECTURE_OFFICER.value))
    caseworkers = {}
    for county in counties:
        worker = User.objects.create_user(username=f"bench.{county.code}", password=None, county=county)
        worker.groups.add(Group.objects.get(name=Role.COUNTY_CASEWORKER.value))
        caseworkers[county.pk] = worker
    states = [s for s in CaseState.values if s != CaseState.DRAFT]
    weights = [30 if s == CaseState.SUBMITTED else 10 for s in states]
    enterprises_needed = CASES // len(YEARS)
    now = timezone.now()
    batch = 5000
    sequence = 0
    for offset in range(0, enterprises_needed, batch):
        enterprises = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    credit_code=_credit_code(n),
                    name=f"基准企业{n:06d}",
                    county=counties[n % len(counties)],
                    size_class="small",
                )
                for n in range(offset, min(offset + batch, enterprises_needed))
            ]
        )
        cases = []
        for enterprise in enterprises:
            for year in YEARS:
                sequence += 1
                state = rng.choices(states, weights)[0]
                amount = Decimal(rng.randint(0, 20_000_000)) / 100
                decided = state in {CaseState.APPROVED, CaseState.ON_NOTICE, CaseState.FINAL}
                cases.append(
                    Case(
                        kind=CaseKind.STABLE_JOB_REFUND,
                        state=state,
                        county_id=enterprise.county_id,
                        enterprise=enterprise,
                        year=year,
                        track="standard",
                        reference=f"WG-{code_of[enterprise.county_id]}-{year}-{sequence:06d}",
                        calculated_amount=amount,
                        approved_amount=amount if decided else None,
                        created_by=officer,
                        assignee=caseworkers[enterprise.county_id] if state == CaseState.IN_REVIEW else None,
                        submitted_at=now - timedelta(minutes=rng.randint(0, 525_600)),
                    )
                )
        Case.objects.bulk_create(cases)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # What a case and an enterprise take on disk, indexes included: the capacity model's database size.
        cursor.execute(
            "SELECT pg_total_relation_size('subsidies_case'), pg_total_relation_size('registry_enterprise')"
        )
        case_bytes, enterprise_bytes = cursor.fetchone()
    print(
        f"   storage: {case_bytes / CASES:,.0f} bytes per case and {enterprise_bytes / enterprises_needed:,.0f} "
        f"per enterprise, indexes included (pg_total_relation_size at {CASES:,} cases)"
    )
    return {"officer": officer, "county": counties[0]}


def _session_cookie(user: Any) -> str:
    """A session as after password + TOTP: Django's login plus django-otp's verified device."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client.cookies["sessionid"].value


def _get(port: int, path: str, cookie: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Accept-Language": "zh-hans"})
        response = conn.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, body
    finally:
        conn.close()


def main() -> None:
    from bench.db import fresh_database

    fresh_database()
    started = time.perf_counter()
    made = _populate()
    print(f"   setup: {CASES:,} cases over 8 counties in {time.perf_counter() - started:.1f} s")
    cookie = _session_cookie(made["officer"])
    county = made["county"]
    from django.db import connections

    connections.close_all()
    pages = {
        "workbench queue": f"/workbench/cases/?county={county.pk}&state=submitted",
        "Django admin changelist": f"/admin/subsidies/case/?county__id__exact={county.pk}&state__exact=submitted",
    }
    with gunicorn("portal.wsgi") as (port, server):
        if not wait_until_up(server, lambda: _get(port, "/healthz", cookie)[0] in {200, 503}):
            return
        for label, path in pages.items():
            status, _seconds, body = _get(port, path, cookie)
            if status != 200:
                print(f"   {label} answered {status}; not measuring ({body[:200]!r})")
                return
        for path in pages.values():
            for _ in range(10):  # warm up every worker
                _get(port, path, cookie)
        figures = hammer_side_by_side(
            {label: (lambda path=path: _get(port, path, cookie)[0]) for label, path in pages.items()},
            concurrency=CONCURRENCY,
            seconds=SECONDS,
        )
        print(
            f"   gunicorn (2 sync workers, {CONCURRENCY} client threads, {SECONDS:.0f} s each in alternating slices, "
            "loopback), "
            f"first page of {county.code} cases in state submitted, signed in as an officer past TOTP:"
        )
        for label, f in figures.items():
            print(
                f"   {label}: {f.rate:,.0f} req/s, p50 {f.percentile_ms(0.5):.1f} ms, "
                f"p95 {f.percentile_ms(0.95):.1f} ms ({f.unexpected(200)} non-200)"
            )
        queue, admin = figures["workbench queue"], figures["Django admin changelist"]
        ratio = queue.rate / admin.rate
        report("workbench queue / Django admin changelist", ratio, ">= 4x", met=ratio >= 4, unit="x req/s")
        p95 = queue.percentile_ms(0.95)
        report("workbench queue p95", p95, "<= 60 ms", met=p95 <= 60, unit="ms")
