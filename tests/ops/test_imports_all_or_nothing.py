"""An import is all or nothing per file, and its job row says what happened (registry.imports)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registry.imports import (
    MAX_ATTEMPTS,
    FileUnreadable,
    import_file,
    import_job_create,
    import_job_run,
    import_jobs_sweep,
)
from registry.models import AuditEvent, Enterprise, ImportJob

pytestmark = pytest.mark.django_db

CODES = ["91654201312345673Q", "92654202MA7XK2B12N", "93654221076543212B"]
HEADER = ["credit_code", "name", "county_code", "size_class"]


def enterprises_csv(bad_row_at: int | None = None, rows: int = 3) -> bytes:
    """Enterprises; with bad_row_at, the data row at that position holds a field CSV cannot read (over the limit)."""
    lines = [HEADER]
    for i in range(rows):
        code = CODES[i % len(CODES)] if i < len(CODES) else f"bad-{i}"
        lines.append([code, f"示例企业{i}", "654201", "small"])
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    text = out.getvalue().splitlines(keepends=True)
    if bad_row_at is not None:
        text.insert(bad_row_at, '"' + "x" * (csv.field_size_limit() + 10) + '",654201\r\n')
    return "".join(text).encode("utf-8")


def test_a_row_that_cannot_be_read_in_the_middle_writes_nothing_and_names_its_file_row() -> None:
    # File rows: 1 header, 2-3 good, 4 unreadable, 5 good. The chunk before it must not be committed.
    data = enterprises_csv(bad_row_at=3)
    with pytest.raises(FileUnreadable) as exc:
        import_file("enterprises", data, "e.csv", actor=None, chunk_size=1)
    assert "第 4 行无法读取" in str(exc.value)
    assert Enterprise.objects.count() == 0
    assert not AuditEvent.objects.filter(action="enterprise_import").exists()


def test_a_web_import_with_an_unreadable_row_fails_with_nothing_written_and_says_so(officer, client_for) -> None:
    job = import_job_create(kind="enterprises", data=enterprises_csv(bad_row_at=3), file_name="e.csv", actor=officer)
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED and job.created == 0
    assert Enterprise.objects.count() == 0
    page = client_for(officer).get(reverse("workbench:registry-import", args=[job.pk])).content.decode()
    assert "第 4 行" in page or "Row 4" in page
    assert "重试导入" not in page  # the same file would fail again


def test_running_a_job_twice_writes_its_rows_once(officer) -> None:
    job = import_job_create(kind="enterprises", data=enterprises_csv(), file_name="e.csv", actor=officer, send=False)
    assert import_job_run(job_id=job.pk).status == ImportJob.Status.DONE
    assert import_job_run(job_id=job.pk).status == ImportJob.Status.DONE
    assert Enterprise.objects.count() == 3
    assert AuditEvent.objects.filter(action="enterprise_import").count() == 3


def test_the_sweeper_sends_a_waiting_job_whose_lease_ran_out_and_a_running_job_without_heartbeat(officer) -> None:
    waiting = import_job_create(kind="enterprises", data=enterprises_csv(), file_name="a.csv", actor=officer)
    dead = import_job_create(kind="enterprises", data=enterprises_csv(), file_name="b.csv", actor=officer)
    alive = import_job_create(kind="enterprises", data=enterprises_csv(), file_name="c.csv", actor=officer)
    long_ago = timezone.now() - timedelta(hours=1)
    ImportJob.objects.filter(pk=dead.pk).update(status="running", heartbeat_at=long_ago, next_attempt_at=long_ago)
    ImportJob.objects.filter(pk=alive.pk).update(status="running", heartbeat_at=timezone.now())
    # The dead run is sent again at once; the waiting job's lease has not run out; the live run is left alone.
    assert import_jobs_sweep(now=timezone.now()) == [dead.pk]
    assert ImportJob.objects.get(pk=dead.pk).status == ImportJob.Status.DONE  # sent eagerly in the test settings
    later = timezone.now() + timedelta(hours=2)
    ImportJob.objects.filter(pk=alive.pk).update(heartbeat_at=later)
    assert import_jobs_sweep(now=later) == [waiting.pk]
    assert ImportJob.objects.get(pk=waiting.pk).status == ImportJob.Status.DONE
    assert ImportJob.objects.get(pk=alive.pk).status == ImportJob.Status.RUNNING


def test_a_job_that_dies_every_time_is_failed_and_the_officer_can_retry_it(
    officer, client_for, django_capture_on_commit_callbacks
) -> None:
    job = import_job_create(kind="enterprises", data=enterprises_csv(), file_name="e.csv", actor=officer, send=False)
    long_ago = timezone.now() - timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(status="running", attempts=MAX_ATTEMPTS, heartbeat_at=long_ago)
    client = client_for(officer)
    page = client.get(reverse("workbench:registry-import", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert reverse("workbench:registry-import-retry", args=[job.pk]) in page
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED and Enterprise.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workbench:registry-import-retry", args=[job.pk]), follow=True)
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE  # sent on commit (eagerly in the test settings)
    assert Enterprise.objects.count() == 3


def test_caseworkers_cannot_retry_an_import(caseworker, officer, client_for) -> None:
    job = import_job_create(kind="enterprises", data=enterprises_csv(), file_name="e.csv", actor=officer, send=False)
    ImportJob.objects.filter(pk=job.pk).update(status="failed")
    response = client_for(caseworker).post(reverse("workbench:registry-import-retry", args=[job.pk]))
    assert response.status_code == 403
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED


def test_the_command_resumes_a_stopped_import(tmp_path, capsys) -> None:
    job = import_job_create(kind="enterprises", data=enterprises_csv(), file_name="e.csv", actor=None, send=False)
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now() - timedelta(hours=1))
    call_command("import_registry", "--resume", str(job.pk))
    assert capsys.readouterr().out.strip() == "created 3, updated 0, unchanged 0, rejected 0"
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
