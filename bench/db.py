"""Helpers for benchmarks: a fresh, migrated benchmark database."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import psycopg2
from django.conf import settings
from django.core.management import call_command


def fresh_database() -> None:
    """Drop and recreate the benchmark database, then migrate it."""
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{db["NAME"]}"')
    conn.close()
    from django.db import connections

    connections.close_all()
    call_command("migrate", verbosity=0)


def median_seconds(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
