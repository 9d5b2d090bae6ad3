"""/healthz: database, cache, broker and (when configured) a worker, as JSON; 200 or 503, never a hang."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from portal.celery import app

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

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        replies = app.control.ping(timeout=CHECK_TIMEOUT_SECONDS, connection=conn)
    if not replies:
        raise RuntimeError("no worker answered")
    return f"{len(replies)} worker(s)"


def _run(check: Callable[[], str]) -> dict[str, Any]:
    started = time.monotonic()
    try:
        detail = check()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__, "ms": round((time.monotonic() - started) * 1000)}
    return {"ok": True, "detail": detail, "ms": round((time.monotonic() - started) * 1000)}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _run(_database), "cache": _run(_cache), "broker": _run(_broker)}
    if settings.HEALTHZ_CHECK_WORKER:
        checks["worker"] = _run(_worker)
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)
