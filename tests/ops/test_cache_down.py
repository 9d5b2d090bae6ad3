"""Redis stopped (a Redis of the test's own): every page still answers, and a caseworker's approval shows its outcome.

The cache is an optimisation (portal.cache.ResilientRedisCache): a failure is logged and read as a miss. The broker
is down too, so the approval's notice waits for the sweeper; the decision itself is committed and shown.
"""

from __future__ import annotations

import logging

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from portal.celery import app
from portal.roles import Role
from subsidies.cases import workflow
from subsidies.models import CaseState, NoticeJob, NoticeJobState
from tests.ops.conftest import OwnRedis, use_broker

pytestmark = [pytest.mark.timeout(120), pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")]


@pytest.fixture
def cache_on_own_redis(settings, own_redis: OwnRedis):
    """The cache the settings configure (with REDIS_URL set, as in production), on the test's own Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": settings.CACHES["default"]["BACKEND"],
            "LOCATION": own_redis.url(),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield own_redis
    caches["default"].__class__._down_until = 0.0


@pytest.fixture
def broker_on_own_redis(settings, own_redis: OwnRedis):
    """Tasks leave through the test's Redis (not eagerly), as they do in production."""
    app.conf.task_always_eager = False
    use_broker(own_redis.url(1))
    yield
    app.conf.task_always_eager = True
    use_broker(settings.CELERY_BROKER_URL)


@pytest.mark.django_db
def test_pages_answer_and_the_footer_shows_with_the_cache_down(cache_on_own_redis: OwnRedis, caplog) -> None:
    client = Client()
    assert client.get("/").status_code == 200
    cache_on_own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        for path in ["/", "/policies/", "/notices/"]:
            response = client.get(path)
            assert response.status_code == 200, path
    assert "cache unavailable" in caplog.text
    # /healthz still tells the truth about the cache.
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["checks"]["cache"]["ok"] is False


@pytest.mark.django_db(transaction=True)
def test_an_approval_with_redis_down_is_committed_and_shown(
    cache_on_own_redis: OwnRedis,
    broker_on_own_redis: None,
    make_user,
    caseworker,
    officer,
    make_enterprise,
    submit_refund,
    client_for,
) -> None:
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    case = submit_refund(applicant, make_enterprise(officer))
    workflow.case_take(case=case, actor=caseworker)
    client = client_for(caseworker)
    cache_on_own_redis.stop()

    response = client.post(reverse("workbench:approve-case", args=[case.pk]), {}, follow=True)

    assert response.status_code == 200
    assert "已批准。该案件等待列入下一批公示名单。" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert client.get(reverse("workbench:cases")).status_code == 200
    # Documents it orders wait in the outbox for the sweeper (none is lost, none is made yet).
    assert not NoticeJob.objects.filter(case=case).exclude(state=NoticeJobState.PENDING).exists()
