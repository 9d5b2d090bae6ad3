"""Operations: Prometheus metrics on /metrics for the scraper only; JSON logs whose request id follows the work from
the request into the Celery task it sent (a real worker)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from portal.observability import JsonFormatter
from portal.roles import Role
from registry.imports import import_job_create
from registry.models import ImportJob
from tests.ops.conftest import Processes, wait_for
from tests.ops.test_imports_all_or_nothing import enterprises_csv

TOKEN = "scraper-token-0123456789abcdef"


@pytest.fixture
def scraper(settings) -> Client:
    settings.METRICS_TOKEN = TOKEN
    return Client(headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.mark.django_db
def test_metrics_are_closed_to_the_public_and_to_a_wrong_token(settings, officer, client_for) -> None:
    assert Client().get("/metrics").status_code == 404  # no token configured: closed to everyone
    settings.METRICS_TOKEN = TOKEN
    assert Client().get("/metrics").status_code == 404
    assert Client(headers={"Authorization": "Bearer " + "x" * len(TOKEN)}).get("/metrics").status_code == 404
    assert client_for(officer).get("/metrics").status_code == 404  # staff too: it is the scraper's


@pytest.mark.django_db
def test_metrics_count_cases_jobs_queues_and_request_latency(
    scraper, make_user, officer, make_enterprise, submit_refund
) -> None:
    submit_refund(make_user(Role.ENTERPRISE_APPLICANT), make_enterprise(officer))
    import_job_create(kind="enterprises", data=enterprises_csv(), file_name="e.csv", actor=officer, send=False)
    Client().get("/")

    response = scraper.get("/metrics")

    assert response.status_code == 200
    text = response.content.decode()
    assert 'portal_cases{kind="stable_job_refund",state="submitted"} 1.0' in text
    assert 'portal_import_jobs{state="pending"} 1.0' in text
    assert 'portal_import_jobs_oldest_age_seconds{state="pending"}' in text
    assert "portal_notice_jobs" in text
    for queue in ("default", "notices", "imports"):
        assert f'portal_celery_queue_length{{queue="{queue}"}}' in text
    assert 'portal_http_request_duration_seconds_count{method="GET",status="2xx",view="home"}' in text
    assert "portal_beat_heartbeat_age_seconds" in text


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_log_lines_are_json_with_it(client, caplog) -> None:
    response = client.get("/", headers={"X-Request-ID": "proxy-id-12345678"})
    assert response["X-Request-ID"] == "proxy-id-12345678"
    forged = client.get("/", headers={"X-Request-ID": 'bad"id\nnext line'})
    assert forged["X-Request-ID"] != 'bad"id\nnext line' and len(forged["X-Request-ID"]) == 32
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page/", headers={"X-Request-ID": "proxy-id-87654321"})
    record = next(r for r in caplog.records if r.name == "django.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "proxy-id-87654321"
    assert line["level"] == "WARNING" and "Not Found" in line["message"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(180)
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_the_request_id_of_an_upload_is_in_the_log_line_of_the_task_it_sent(
    celery_processes: Processes, officer, client_for, tmp_path: Path
) -> None:
    celery_processes.worker("imports")
    upload = tmp_path / "e.csv"
    upload.write_bytes(enterprises_csv())
    with upload.open("rb") as handle:
        client_for(officer).post(
            reverse("workbench:registry-imports"),
            {"kind": "enterprises", "file": handle},
            headers={"X-Request-ID": "upload-request-0001"},
        )
    job = ImportJob.objects.get()
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE, seconds=60)

    def task_line() -> dict | None:
        for raw in celery_processes.logs.joinpath("worker-0.log").read_text().splitlines():
            if raw.startswith("{") and f"import job {job.pk}: done" in raw:
                return json.loads(raw)
        return None

    assert wait_for(lambda: task_line() is not None, seconds=10)
    line = task_line()
    assert line["request_id"] == "upload-request-0001"
    assert line["task_id"] and line["logger"] == "registry.imports"
