"""Calculator: refund_offers over 100,000 enterprises, and the calculator API's req/s under gunicorn vs a bare view.

Part 1 builds 100,000 enterprises with an insurance year on PostgreSQL and times `refund_offers_compute` (first run:
all created; rerun: nothing changed; rerun after 1% of the facts changed). Part 2 starts gunicorn on 127.0.0.1
(a free port, 2 sync workers, this module's app factory) and drives it from Python threads over loopback: the
POST /api/v1/calculations/stable-job-refund/ endpoint beside a bare Django JSON view served by the same process
with the same middleware (registered only in this benchmark's URLconf). Prints figures; never asserts a time.
"""

from __future__ import annotations

import http.client
import json
import time
from datetime import date
from decimal import Decimal
from typing import Any

from bench.load import gunicorn, hammer, wait_until_up, wsgi_app_with

ENTERPRISES = 100_000
CONCURRENCY = 8
SECONDS = 6.0
REFUND_BODY = json.dumps(
    {
        "application_date": "2019-05-01",
        "ui_premiums_paid_last_year": "123456.78",
        "ui_months_paid_in_full": 12,
        "insured_at_start": 120,
        "insured_at_end": 117,
        "retired_or_deceased": 1,
    }
)


# --- The bench-only URLconf and WSGI app factory (used by the gunicorn this benchmark starts) ---------------------


def bare_json(request: Any) -> Any:
    from django.http import JsonResponse

    return JsonResponse({"ok": True})


def __getattr__(name: str) -> Any:
    # Django reads `urlpatterns` only once settings are set up; build it then (module __getattr__, PEP 562).
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("bench/bare.json", bare_json), path("", include("portal.urls"))]
    raise AttributeError(name)


def make_app() -> Any:
    """gunicorn 'bench.bench_calculator:make_app()': the portal, plus the bare view, on the bench settings."""
    return wsgi_app_with("bench.bench_calculator")


# --- Part 1: refund offers over 100,000 enterprises ---------------------------------------------------------------


def _credit_code(n: int) -> str:
    from registry.identifiers import credit_code_check_character, organisation_code_check_digit

    org = f"{n:08d}"
    body = f"91654201{org}{organisation_code_check_digit(org)}"
    return body + credit_code_check_character(body)


def _populate(count: int) -> None:
    import random

    from registry.models import County, Enterprise, InsuranceYear

    rng = random.Random(2019)  # synthetic data, reproducible
    counties = list(County.objects.all())
    batch = 5000
    for offset in range(0, count, batch):
        enterprises = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    credit_code=_credit_code(n),
                    name=f"基准企业{n:06d}",
                    county=counties[n % len(counties)],
                    size_class="small",
                )
                for n in range(offset, min(offset + batch, count))
            ]
        )
        years = []
        for enterprise in enterprises:
            start = rng.randint(1, 500)
            years.append(
                InsuranceYear(
                    enterprise=enterprise,
                    year=2018,
                    insured_at_start=start,
                    insured_at_end=max(0, start - rng.randint(0, max(1, start // 10))),
                    retired_or_deceased=0,
                    ui_premiums_paid=Decimal(rng.randint(0, 50_000_000)) / 100,
                    ui_months_paid_in_full=rng.choice([12, 12, 12, 11, 6]),
                    monthly_social_insurance_due=Decimal(rng.randint(0, 5_000_000)) / 100,
                )
            )
        InsuranceYear.objects.bulk_create(years)


def _offers() -> None:
    from registry.models import InsuranceYear
    from subsidies.measures.m01_stable_job_refund import refund_offers_compute

    started = time.perf_counter()
    _populate(ENTERPRISES)
    print(f"   setup: {ENTERPRISES:,} enterprises with an insurance year in {time.perf_counter() - started:.1f} s")
    as_of = date(2019, 3, 1)
    for label, prepare in [
        ("first run (all created)", None),
        ("rerun (nothing changed)", None),
        (
            "rerun after 1% of the facts changed",
            lambda: InsuranceYear.objects.filter(id__lte=ENTERPRISES // 100).update(ui_premiums_paid=Decimal("1.00")),
        ),
    ]:
        if prepare:
            prepare()
        started = time.perf_counter()
        run = refund_offers_compute(year=2019, as_of=as_of)
        seconds = time.perf_counter() - started
        print(
            f"   refund_offers {label}: {seconds:.1f} s, {run.total / seconds:,.0f} offers/s "
            f"({run.created} created, {run.updated} changed, {run.unchanged} unchanged)"
        )


# --- Part 2: req/s under gunicorn ---------------------------------------------------------------------------------


def _request(port: int, method: str, path: str, body: str | None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": "application/json"} if body else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _gunicorn() -> None:
    with gunicorn("bench.bench_calculator:make_app()") as (port, server):
        if not wait_until_up(server, lambda: _request(port, "GET", "/bench/bare.json", None) == 200):
            return
        status = _request(port, "POST", "/api/v1/calculations/stable-job-refund/", REFUND_BODY)
        if status != 200:
            print(f"   the calculator answered {status}; not measuring")
            return
        loads = {}
        for label, method, path, body in (
            ("bare", "GET", "/bench/bare.json", None),
            ("api", "POST", "/api/v1/calculations/stable-job-refund/", REFUND_BODY),
        ):
            for _ in range(20):  # warm up every worker
                _request(port, method, path, body)
            loads[label] = hammer(
                lambda method=method, path=path, body=body: _request(port, method, path, body),
                concurrency=CONCURRENCY,
                seconds=SECONDS,
            )
        bare, api = loads["bare"], loads["api"]
        print(f"   gunicorn (2 sync workers, {CONCURRENCY} client threads, {SECONDS:.0f} s each, loopback):")
        print(f"   bare Django JSON view: {bare.rate:,.0f} req/s ({bare.unexpected(200)} non-200)")
        print(f"   calculator API (stable-job-refund): {api.rate:,.0f} req/s ({api.unexpected(200)} non-200)")
        print(f"   ratio calculator / bare: {api.rate / bare.rate:.2f}")


def main() -> None:
    from bench.db import fresh_database

    fresh_database()
    _offers()
    from django.db import connections

    connections.close_all()
    _gunicorn()
