"""Notices in one process (eager Celery): a decision orders its notice, made once, mailed as a link; retries."""

from __future__ import annotations

import hashlib

import pytest
from django.core import mail
from django.core.files.storage import storages

from portal.roles import Role
from registry.audit import audit_trail
from registry.refusals import Refused
from subsidies import document_jobs
from subsidies.cases import workflow
from subsidies.models import DocumentKind, Notice, NoticeJob, NoticeJobState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def applicant(make_user):
    user = make_user(Role.ENTERPRISE_APPLICANT)
    user.email = "hr@example.com"
    user.save()
    return user


def test_approval_alone_orders_no_notice_for_a_published_kind(applicant, caseworker, officer, approve_refund) -> None:
    # Clause （一）: approved refunds are published first; the approval notice comes when the case is final.
    case = approve_refund(applicant, caseworker, officer)
    assert not NoticeJob.objects.filter(case=case).exists()


def test_finalising_a_case_makes_its_approval_notice_once_and_mails_a_link(
    applicant, caseworker, officer, django_capture_on_commit_callbacks, approve_refund, publish_and_finalise
) -> None:
    case = approve_refund(applicant, caseworker, officer)
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_and_finalise(case, officer)
    job = NoticeJob.objects.get(case=case, kind=DocumentKind.APPROVAL)
    assert job.state == NoticeJobState.DONE and job.attempts == 1
    notice = job.notice
    content = storages["default"].open(notice.file).read()
    assert hashlib.sha256(content).hexdigest() == notice.sha256 and len(content) == notice.size
    assert notice.reference == case.reference and notice.amount == case.approved_amount
    assert notice.verification_code == job.verification_code and len(notice.verification_code) == 10
    # The notice's own mail (the applicant is also told of the final decision: subsidies.notifications).
    [message] = [m for m in mail.outbox if notice.reference in m.subject and f"/apply/notices/{notice.pk}/" in m.body]
    assert message.to == ["hr@example.com"]
    assert f"/apply/notices/{notice.pk}/" in message.body and not message.attachments
    assert "notice_made" in [e.action for e in audit_trail(notice)]


def test_the_same_job_run_twice_leaves_one_file_and_one_hash(
    applicant, caseworker, officer, django_capture_on_commit_callbacks, approve_refund, publish_and_finalise
) -> None:
    case = approve_refund(applicant, caseworker, officer)
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_and_finalise(case, officer)
    job = NoticeJob.objects.get(case=case, kind=DocumentKind.APPROVAL)
    first = job.notice.sha256
    assert document_jobs.notice_job_run(job_id=job.pk).state == NoticeJobState.DONE
    assert Notice.objects.filter(job=job).count() == 1
    assert Notice.objects.get(job=job).sha256 == first
    _dirs, files = storages["default"].listdir("notices/approval")
    assert files == [f"{job.pk:08d}.pdf"]


def test_a_rejection_orders_the_rejection_notice(
    applicant, caseworker, officer, django_capture_on_commit_callbacks, make_enterprise, submit_refund
):
    case = submit_refund(applicant, make_enterprise(officer))
    workflow.case_take(case=case, actor=caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_reject(case=case, reason="上年度裁员率高于城镇登记失业率", actor=caseworker)
    job = NoticeJob.objects.get(case=case)
    assert job.kind == DocumentKind.REJECTION and job.state == NoticeJobState.DONE
    assert job.notice.amount is None


def test_publishing_a_list_orders_its_pdf(
    applicant, caseworker, officer, django_capture_on_commit_callbacks, approve_refund, publish_and_finalise
) -> None:
    case = approve_refund(applicant, caseworker, officer)
    with django_capture_on_commit_callbacks(execute=True):
        publish_and_finalise(case, officer)
    entry = case.notice_entries.get()
    job = NoticeJob.objects.get(public_notice=entry.notice, kind=DocumentKind.PUBLIC_NOTICE_LIST)
    assert job.state == NoticeJobState.DONE


def test_a_failing_store_is_retried_then_failed_then_retried_by_a_caseworker(
    applicant, caseworker, officer, settings, django_capture_on_commit_callbacks, approve_refund, publish_and_finalise
) -> None:
    case = approve_refund(applicant, caseworker, officer)
    good_root = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = "/proc/no-such-storage"
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_and_finalise(case, officer)
    job = NoticeJob.objects.get(case=case, kind=DocumentKind.APPROVAL)
    assert job.state == NoticeJobState.PENDING and job.attempts == 1 and job.last_error
    for _attempt in range(document_jobs.MAX_ATTEMPTS):
        document_jobs.notice_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == NoticeJobState.FAILED and job.attempts == document_jobs.MAX_ATTEMPTS
    assert list(document_jobs.notice_jobs_failed_for(caseworker)) == [job]
    # Storage is back: the caseworker's retry makes it.
    settings.MEDIA_ROOT = good_root
    with django_capture_on_commit_callbacks(execute=True):
        document_jobs.notice_job_retry(job=job, actor=caseworker)
    job.refresh_from_db()
    assert job.state == NoticeJobState.DONE
    assert "notice_retry" in [e.action for e in audit_trail(job)]


def test_another_countys_caseworker_cannot_retry(
    applicant, caseworker, caseworker_wusu, officer, settings, approve_refund, publish_and_finalise
) -> None:
    case = approve_refund(applicant, caseworker, officer)
    settings.MEDIA_ROOT = "/proc/no-such-storage"
    case = publish_and_finalise(case, officer)
    job = NoticeJob.objects.get(case=case, kind=DocumentKind.APPROVAL)
    NoticeJob.objects.filter(pk=job.pk).update(state=NoticeJobState.FAILED)
    assert list(document_jobs.notice_jobs_failed_for(caseworker_wusu)) == []
    with pytest.raises(Refused):
        document_jobs.notice_job_retry(job=job, actor=caseworker_wusu)


def test_the_sweeper_sends_due_jobs_and_skips_done_ones(
    applicant, caseworker, officer, approve_refund, publish_and_finalise
) -> None:
    case = approve_refund(applicant, caseworker, officer)
    case = publish_and_finalise(case, officer)  # on_commit not run: the jobs stay pending, as if Redis had been down
    pending = list(NoticeJob.objects.filter(state=NoticeJobState.PENDING).values_list("pk", flat=True))
    assert len(pending) == 2  # the approval notice and the published list
    swept = document_jobs.notice_jobs_sweep()
    assert sorted(swept) == sorted(pending)
    assert set(NoticeJob.objects.values_list("state", flat=True)) == {NoticeJobState.DONE}
    assert document_jobs.notice_jobs_sweep() == []
