"""Loopback load for the benchmarks that measure the portal under gunicorn (calculator, submission, queue).

One gunicorn on 127.0.0.1 (a free port, sync workers, bench settings), Python client threads for a few seconds,
and the figures: requests per second, p50/p95 latency, unexpected statuses. Bounded in count and time.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wsgi_app_with(urlconf: str) -> Any:
    """The portal's WSGI app on the bench settings, with `urlconf` (a bench module adding a bare view) as root."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.bench")
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = urlconf
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


@contextmanager
def gunicorn(app: str, *, workers: int = 2) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """Serve `app` (a gunicorn app spec) on a free loopback port; stopped on exit."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.bench", "LOG_LEVEL": "ERROR"}
    command = [str(Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--log-level", "warning", app]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield port, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def wait_until_up(server: subprocess.Popen[bytes], probe: Callable[[], bool], *, seconds: float = 30) -> bool:
    """Poll `probe` until it answers; False (and the server's last words printed) if it never does."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if probe():
                return True
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            print("   gunicorn did not start:", server.stderr.read().decode()[-2000:] if server.stderr else "")
            return False
        time.sleep(0.2)


@dataclass
class Load:
    elapsed: float
    statuses: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statuses)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed

    def unexpected(self, expected: int) -> int:
        return sum(1 for status in self.statuses if status != expected)

    def percentile_ms(self, fraction: float) -> float:
        every = sorted(self.latencies)
        if fraction == 0.5:
            return statistics.median(every) * 1000
        return every[int(len(every) * fraction) - 1] * 1000


def hammer(call: Callable[[], int | None], *, concurrency: int, seconds: float) -> Load:
    """Call `call` from `concurrency` threads for `seconds`; a call returning None means nothing is left to do."""
    results: list[list[tuple[int, float]]] = [[] for _ in range(concurrency)]
    stop = time.perf_counter() + seconds

    def worker(i: int) -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            status = call()
            if status is None:
                return
            results[i].append((status, time.perf_counter() - started))

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [r for per in results for r in per]
    return Load(time.perf_counter() - started, [s for s, _ in every], [t for _, t in every])


def hammer_side_by_side(
    calls: dict[str, Callable[[], int | None]], *, concurrency: int, seconds: float, rounds: int = 4
) -> dict[str, Load]:
    """`hammer` each call for `seconds` in all, in `rounds` alternating slices (a, b, a, b, ...), so that a change in
    the machine's load during the run (other work on a shared machine) weighs on every call alike."""
    slices: dict[str, list[Load]] = {label: [] for label in calls}
    for _ in range(rounds):
        for label, call in calls.items():
            slices[label].append(hammer(call, concurrency=concurrency, seconds=seconds / rounds))
    return {
        label: Load(
            sum(load.elapsed for load in loads),
            [status for load in loads for status in load.statuses],
            [latency for load in loads for latency in load.latencies],
        )
        for label, loads in slices.items()
    }
