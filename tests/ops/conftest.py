"""Real processes for the operations tests: a Redis of the test's own (never the shared one), Celery workers and
beat started against the test's database, all stopped by the test that started them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from portal.celery import app

ROOT = Path(__file__).resolve().parents[2]


def free_port(start: int = 6390, stop: int = 6499) -> int:
    for port in range(start + os.getpid() % 50, stop):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for a Redis of the test's own")


def wait_for(predicate: Callable[[], bool], *, seconds: float = 60, every: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


class OwnRedis:
    """A redis-server on a port of its own, without persistence; start() and stop() as often as a test needs."""

    def __init__(self, port: int, directory: Path) -> None:
        self.port = port
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no", "--dir", self.directory],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url(), socket_connect_timeout=0.5)
        assert wait_for(lambda: _pings(client), seconds=20), "the test's Redis did not start"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(free_port(), tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def use_broker(url: str) -> None:
    """Point this process's producer at another broker URL (its pools were made for the old one)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


class Processes:
    """Celery processes of one test, each in its own process group so SIGKILL takes its children too."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        with (self.logs / f"{args[0]}-{len(self.started)}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", *args],
                cwd=ROOT,
                env={**self.env, **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append(process)
        return process

    def worker(self, *queues: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        name = f"ops-{os.getpid()}-{len(self.started)}@%h"
        args = ["worker", "--pool", "solo", "--loglevel", "warning", "--hostname", name]
        args += ["--without-mingle", "--without-gossip"]
        if queues:
            args += ["--queues", ",".join(queues)]
        process = self.start(*args, env=env)
        broker = (env or {}).get("REDIS_URL", self.env["REDIS_URL"])
        hostname = name.replace("%h", socket.gethostname())
        with app.connection_for_write(broker) as conn:
            assert wait_for(
                lambda: (
                    process.poll() is None
                    and bool(app.control.ping(timeout=1, connection=conn, destination=[hostname]))
                ),
                seconds=90,
            ), "the worker did not start: " + (self.logs / f"worker-{len(self.started) - 1}.log").read_text()[-3000:]
        return process

    def beat(self, schedule: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        return self.start("beat", "--loglevel", "warning", "--schedule", str(schedule), env=env)

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


@pytest.fixture
def celery_processes(tmp_path: Path) -> Iterator[Processes]:
    """Start workers and beat against this test's database and Redis db; tasks from this process go through Redis."""
    media = tmp_path / "media"
    media.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(media),
        "CELERY_EAGER": "0",
    }
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # this run's own Redis db: no message left from before
    app.conf.task_always_eager = False
    processes = Processes(env, tmp_path)
    try:
        yield processes
    finally:
        processes.stop_all()
        app.conf.task_always_eager = True
        use_broker(settings.CELERY_BROKER_URL)
