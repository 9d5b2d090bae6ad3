"""gunicorn settings for production (docker-compose.yml: `gunicorn --config python:portal.gunicorn_conf`).

Prometheus metrics from several gunicorn processes: with PROMETHEUS_MULTIPROC_DIR set, each process writes its
samples there and /metrics adds them up (portal.metrics); the directory is emptied when gunicorn starts, and a dead
process's gauges are dropped."""

from __future__ import annotations

import os
import shutil
from typing import Any

from prometheus_client import multiprocess


def on_starting(server: Any) -> None:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
