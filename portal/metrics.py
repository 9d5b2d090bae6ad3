"""Prometheus metrics on /metrics, closed to the public: only a scraper that sends `Authorization: Bearer
<METRICS_TOKEN>` gets them (no token configured: /metrics answers 404 to everyone).

- portal_http_request_duration_seconds{method,view,status}: request latency (a histogram; with gunicorn's several
  processes set PROMETHEUS_MULTIPROC_DIR, as docker-compose.yml does, so every process is counted);
- read from the database at each scrape, so they are right whichever process answers: portal_cases{kind,state},
  portal_notice_jobs{state} and portal_import_jobs{state} with portal_*_jobs_oldest_age_seconds{state};
- portal_celery_queue_length{queue} from Redis, and portal_beat_heartbeat_age_seconds.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from portal.tasks import HEARTBEAT_CACHE_KEY
from registry.models import ImportJob
from subsidies.models import Case, NoticeJob

REQUEST_LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer a request, by view",
    ["method", "view", "status"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
# kombu's Redis transport keeps a queue's messages in a list named after it, one more per priority step.
PRIORITY_SUFFIXES = ["", "\x06\x163", "\x06\x166", "\x06\x169"]


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unresolved"
        REQUEST_LATENCY.labels(request.method, view, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response


def _jobs(family: str, model: Any, field: str, started: str) -> Iterator[GaugeMetricFamily]:
    count = GaugeMetricFamily(f"portal_{family}_jobs", f"{family} jobs by state", labels=["state"])
    oldest = GaugeMetricFamily(
        f"portal_{family}_jobs_oldest_age_seconds", f"Age of the oldest {family} job in each state", labels=["state"]
    )
    now = timezone.now()
    for row in model.objects.values(field).annotate(n=Count("id"), first=Min(started)).order_by(field):
        count.add_metric([row[field]], row["n"])
        oldest.add_metric([row[field]], (now - row["first"]).total_seconds() if row["first"] else 0)
    yield count
    yield oldest


class PortalCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        cases = GaugeMetricFamily("portal_cases", "Cases by kind and state", labels=["kind", "state"])
        for row in Case.objects.values("kind", "state").annotate(n=Count("id")).order_by("kind", "state"):
            cases.add_metric([row["kind"], row["state"]], row["n"])
        yield cases
        yield from _jobs("notice", NoticeJob, "state", "created_at")
        yield from _jobs("import", ImportJob, "status", "created_at")
        yield from self._queues()
        beat = GaugeMetricFamily("portal_beat_heartbeat_age_seconds", "Seconds since beat's last heartbeat ran")
        stamp = cache.get(HEARTBEAT_CACHE_KEY)
        moment = parse_datetime(stamp) if stamp else None
        beat.add_metric([], (timezone.now() - moment).total_seconds() if moment else float("nan"))
        yield beat

    def _queues(self) -> Iterator[GaugeMetricFamily]:
        queues = GaugeMetricFamily(
            "portal_celery_queue_length", "Messages waiting in each Celery queue", labels=["queue"]
        )
        url = settings.CELERY_BROKER_URL
        if url.startswith(("redis://", "rediss://")):
            client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
            try:
                for name in settings.CELERY_TASK_QUEUES:
                    queues.add_metric([name], sum(client.llen(name + suffix) for suffix in PRIORITY_SUFFIXES))
            except redis.RedisError:
                pass  # the broker is down: /healthz says so; the series is absent, which an alert can catch
            finally:
                client.close()
        yield queues


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_LATENCY)
    registry.register(PortalCollector())
    return registry


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
