"""/healthz reports database, cache and broker as JSON: 200 when up, 503 (not a hang) when not."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_it_reports_200_with_services_up(client: Client) -> None:
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "detail": "postgresql", "ms": body["checks"]["database"]["ms"]}
    assert body["checks"]["broker"]["detail"] == "redis"
    assert body["checks"]["cache"]["ok"] is True


@pytest.mark.timeout(30)
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_it_reports_503_when_the_broker_is_unreachable(client: Client) -> None:
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.timeout(30)
@override_settings(HEALTHZ_CHECK_WORKER=True, CELERY_BROKER_URL="redis://127.0.0.1:6379/12")
def test_it_reports_503_when_a_worker_is_expected_and_none_answers(client: Client) -> None:
    # Nothing listens on Redis db 12: the ping goes out and nobody replies.
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
