"""/healthz: database, cache, broker and (when configured) the workers of every queue and beat's heartbeat, as JSON;
200 or 503, never a hang. `?only=beat` (or another check's name) runs that check alone: docker-compose's beat and
worker healthchecks use it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from portal.celery import app
from portal.tasks import HEARTBEAT_CACHE_KEY

CHECK_TIMEOUT_SECONDS = 2


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")
    return cache.__class__.__name__


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER and not url.startswith(("redis://", "rediss://")):
        return "eager (no broker configured)"
    client = redis.Redis.from_url(
        url, socket_connect_timeout=CHECK_TIMEOUT_SECONDS, socket_timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
    return "redis"


def _worker() -> str:
    """Some worker answers, and every queue (default, notices, imports) has one consuming it."""
    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        replies = app.control.ping(timeout=CHECK_TIMEOUT_SECONDS, connection=conn)
        if not replies:
            raise RuntimeError("no worker answered")
        consumed = app.control.inspect(timeout=CHECK_TIMEOUT_SECONDS, connection=conn).active_queues() or {}
    queues = {queue["name"] for worker in consumed.values() for queue in worker}
    missing = sorted(set(settings.CELERY_TASK_QUEUES) - queues)
    if missing:
        raise RuntimeError(f"no worker for the queue(s) {', '.join(missing)}")
    return f"{len(replies)} worker(s); queues {', '.join(sorted(queues))}"


def _beat() -> str:
    """Beat sends portal.heartbeat every BEAT_HEARTBEAT_SECONDS and a worker records when it ran: older than
    BEAT_STALE_SECONDS means beat (or the default worker) is dead, and no sweeper or daily finalisation runs."""
    stamp = cache.get(HEARTBEAT_CACHE_KEY)
    if stamp is None:
        raise RuntimeError("no heartbeat from beat")
    age = (timezone.now() - datetime.fromisoformat(stamp)).total_seconds()
    if age > settings.BEAT_STALE_SECONDS:
        raise RuntimeError(f"beat's last heartbeat is {int(age)} s old")
    return f"last heartbeat {int(age)} s ago"


def _run(check: Callable[[], str]) -> dict[str, Any]:
    started = time.monotonic()
    try:
        detail = check()
    except Exception as exc:
        result = {"ok": False, "error": exc.__class__.__name__, "ms": round((time.monotonic() - started) * 1000)}
        if check in EXPLAINED:
            # Which queue has no worker, how old beat's heartbeat is: the operator needs it, and it holds no secret.
            result["detail"] = str(exc)
        return result
    return {"ok": True, "detail": detail, "ms": round((time.monotonic() - started) * 1000)}


EXPLAINED = (_worker, _beat)


def health_checks(only: str | None = None) -> tuple[bool, dict[str, dict[str, Any]]]:
    """Run the checks (or the one named `only`, even if not configured); also used by `manage.py healthcheck`."""
    available: dict[str, Callable[[], str]] = {"database": _database, "cache": _cache, "broker": _broker}
    if settings.HEALTHZ_CHECK_WORKER or only == "worker":
        available["worker"] = _worker
    if settings.HEALTHZ_CHECK_BEAT or only == "beat":
        available["beat"] = _beat
    if only in available:
        available = {only: available[only]}
    checks = {name: _run(check) for name, check in available.items()}
    return all(c["ok"] for c in checks.values()), checks


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, checks = health_checks(request.GET.get("only"))
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)
