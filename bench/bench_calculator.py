"""Calculator API: req/s of POST /api/v1/calculations/stable-job-refund/ under gunicorn, beside a bare JSON view.

gunicorn on 127.0.0.1 (a free port, 2 sync workers, this module's app factory) serves the portal plus a bare Django
JSON view with the same middleware (registered only in this benchmark's URLconf); Python threads drive both over
loopback. The API allows each client address 120 requests a minute (settings.RATE_LIMITS["api"]), so each request
comes from the next of 250 loopback addresses (127.0.0.2 to 127.0.0.251), as 250 clients would: the figure is the
calculator's, not the rate limit's. (The refund offers over 100,000 enterprises are bench_offers'.) Prints figures;
never asserts a time.
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
from typing import Any

from bench.load import gunicorn, hammer, wait_until_up, wsgi_app_with

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


# --- Part 2: req/s under gunicorn ---------------------------------------------------------------------------------


_SOURCES = itertools.cycle([f"127.0.0.{n}" for n in range(2, 252)])
_SOURCES_LOCK = threading.Lock()


def _request(port: int, method: str, path: str, body: str | None) -> int:
    with _SOURCES_LOCK:
        source = next(_SOURCES)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
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
        if api.unexpected(200):
            print("   (non-200 answers: the rate is not the calculator's alone)")
        print(f"   ratio calculator / bare: {api.rate / bare.rate:.2f}")


def main() -> None:
    from bench.db import fresh_database

    fresh_database()
    from django.db import connections

    connections.close_all()
    _gunicorn()
