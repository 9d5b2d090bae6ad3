"""Logs an operator can follow: one JSON object per line, each carrying the id of the request it belongs to, and
the same id in every Celery task that request sent (and in the tasks those tasks send).

- `RequestIdMiddleware` takes the proxy's X-Request-ID (if it looks like one) or makes one, keeps it for the
  request's duration and returns it in the response's X-Request-ID header;
- `before_task_publish` writes the current id into the task message's headers; `task_prerun` reads it back in the
  worker, so the task's log lines carry it (and `task_id`, the Celery id);
- `JsonFormatter` writes each record as JSON with time, level, logger, message, request_id, task_id and the
  exception, if any. Personal data never reaches a log line in the first place (STYLE: masked everywhere).
"""

from __future__ import annotations

import contextvars
import json
import logging
import logging.config
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from django.conf import settings
from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
task_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="")

HEADER = "X-Request-ID"
HEADER_META = "HTTP_X_REQUEST_ID"
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # a proxy's id is kept only if it cannot forge a log line


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get(HEADER_META, "")
        request_id = given if VALID_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class ContextFilter(logging.Filter):
    """Puts the request id and the task id on every record (also for the plain format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id_of(record)
        record.task_id = task_id_var.get()
        return True


def _request_id_of(record: logging.LogRecord) -> str:
    # django.request logs a 4xx/5xx after the middleware has returned; the request it names still has its id.
    return getattr(getattr(record, "request", None), "request_id", "") or request_id_var.get()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or _request_id_of(record),
            "task_id": getattr(record, "task_id", "") or task_id_var.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


@setup_logging.connect
def _workers_log_as_the_web_does(**kwargs: Any) -> None:
    """Workers and beat log through settings.LOGGING (JSON, request ids, LOG_LEVEL), not Celery's own setup."""
    logging.config.dictConfig(settings.LOGGING)


@before_task_publish.connect
def _request_id_into_the_message(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = request_id_var.get()
    if headers is not None and request_id:
        headers.setdefault("request_id", request_id)


def _in_a_worker(task: Any) -> bool:
    """Not a task run eagerly inside a request (development, tests): that one keeps the request's id as it is."""
    return task is not None and not getattr(task.request, "is_eager", False)


@task_prerun.connect
def _request_id_from_the_message(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    if _in_a_worker(task):
        request_id_var.set(getattr(task.request, "request_id", None) or "")
        task_id_var.set(task_id or "")


@task_postrun.connect
def _forget_the_request_id(task: Any = None, **kwargs: Any) -> None:
    if _in_a_worker(task):
        request_id_var.set("")
        task_id_var.set("")
