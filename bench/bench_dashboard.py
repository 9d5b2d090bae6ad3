"""Dashboard: the whole prefecture over 100,000 cases — p50/p95 of the page and its export, and SQL queries per page.

Builds the 100,000 cases of bench_queue (8 counties, every state after draft, submitted over the last year), gives
the decided ones a decision 0-60 days after submission and the final ones a final date, adds 20,000 unemployment
registrations, then requests /workbench/dashboard/ (last 12 months, all counties, all policies) and its Excel
export in-process (Django test client, all middleware including two-factor) as a prefecture officer. Prints the
timings and the number of SQL queries of one page; never asserts a time.
"""

from __future__ import annotations

import statistics
import time

PAGES = 15
REGISTRATIONS = 20_000


def _decide_and_register() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE subsidies_case SET decided_at = submitted_at + (random() * interval '60 days') "
            "WHERE state IN ('approved', 'on_notice', 'final', 'rejected')"
        )
        cursor.execute("UPDATE subsidies_case SET finalised_at = decided_at + interval '7 days' WHERE state = 'final'")
    import random
    from datetime import timedelta

    from django.utils import timezone

    from registry.models import County, Person, UnemploymentRegistration

    rng = random.Random(2019)  # synthetic benchmark data
    counties = list(County.objects.all())
    today = timezone.localdate()
    people = Person.objects.bulk_create(
        [
            Person(
                name=f"基准人员{n:05d}",
                id_number_index=f"bench-{n:06d}",
                id_number_masked="654201********0000",
                birth_date=today.replace(year=1985),
                sex="M",
                residence_county=counties[n % len(counties)],
            )
            for n in range(REGISTRATIONS)
        ],
        batch_size=5000,
    )
    UnemploymentRegistration.objects.bulk_create(
        [
            UnemploymentRegistration(
                person=person,
                residence_county=person.residence_county,
                registered_on=today - timedelta(days=rng.randint(0, 365)),
            )
            for person in people
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.bench_queue import CASES, _populate
    from bench.db import fresh_database

    fresh_database()
    started = time.perf_counter()
    made = _populate()
    _decide_and_register()
    print(f"   setup: {CASES:,} cases, {REGISTRATIONS:,} registrations in {time.perf_counter() - started:.1f} s")
    officer = made["officer"]
    device = TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
    client = Client()
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    today = timezone.localdate()
    start = today.replace(day=1).replace(year=today.year - 1)
    query = f"?start={start:%Y-%m}&end={today:%Y-%m}"
    for label, path in (
        ("dashboard page", f"/workbench/dashboard/{query}"),
        ("Excel export", f"/workbench/dashboard/export.xlsx{query}"),
    ):
        client.get(path)  # warm up
        times = []
        for _ in range(PAGES):
            began = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - began)
            if response.status_code != 200:
                print(f"   {label}: HTTP {response.status_code}, no figure")
                return
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        print(
            f"   {label}: p50 {statistics.median(times) * 1000:.0f} ms, p95 {_percentile(times, 0.95) * 1000:.0f} ms "
            f"over {PAGES} requests; {len(queries.captured_queries)} SQL queries"
        )
