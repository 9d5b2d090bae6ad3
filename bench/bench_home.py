"""Home page: requests per second through Django's test client (in process, database and cache real)."""

from __future__ import annotations

import time

from django.test import Client

from bench.db import fresh_database


def main() -> None:
    fresh_database()
    client = Client()
    client.get("/")
    n = 300
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(n):
            client.get("/")
        runs.append(n / (time.perf_counter() - started))
    runs.sort()
    print(f"   home page: median {runs[2]:.0f} req/s over 5 runs of {n} (min {runs[0]:.0f}, max {runs[-1]:.0f})")
