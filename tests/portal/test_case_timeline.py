"""One timeline on the applicant's case page (enterprise and resident): every step in plain words, the reason of a
return, the documents beside the step that issued them, times in Asia/Shanghai, never an ISO or UTC string."""

from __future__ import annotations

import re
import uuid
import zoneinfo
from datetime import date
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.audit import audit_trail
from subsidies.cases import workflow
from subsidies.cases.evidence import evidence_add
from subsidies.measures import m09_registration
from subsidies.measures.m11_referral import referral_record

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _visible(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _steps(html: str) -> list[dict[str, Any]]:
    """The timeline's steps as a person reads them: the heading, the words, the links."""
    found = re.findall(r'<li[^>]*data-testid="timeline-step" data-action="([^"]+)">(.*?)</li>', html, re.DOTALL)
    return [
        {
            "action": action,
            "heading": _visible(re.search(r"<h3.*?</h3>", body, re.DOTALL).group(0)),
            "text": _visible(body),
            "links": re.findall(r'href="([^"]+)"', body),
        }
        for action, body in found
    ]


def _no_machine_times(html: str) -> None:
    text = _visible(html)
    assert "+00:00" not in html
    assert "UTC" not in text
    assert re.search(r"\d{4}-\d{2}-\d{2}T\d{2}", text) is None


@pytest.fixture
def refund_case(officer, make_enterprise, make_applicant, submit_refund):
    ent = make_enterprise(officer)
    applicant = make_applicant(ent)
    return applicant, submit_refund(applicant, ent)


def test_the_enterprise_sees_every_step_in_order_with_the_reason_and_the_documents(
    refund_case, caseworker, officer, client_for, claim_and_approve, publish_and_finalise,
    django_capture_on_commit_callbacks,
) -> None:  # fmt: skip
    applicant, case = refund_case
    workflow.case_take(case=case, actor=caseworker)
    workflow.case_return(case=case, reason="请上传2018年12月的缴费凭证", actor=caseworker)
    workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        claim_and_approve(case, caseworker)
        publish_and_finalise(case, officer)
    response = client_for(applicant).get(reverse("apply:case", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    steps = _steps(html)
    assert [s["action"] for s in steps] == [
        "case_draft_start",
        "case_submit",
        "case_claim",
        "case_return",
        "case_resubmit",
        "case_claim",
        "case_approve",
        "case_publish",
        "case_finalise",
    ]
    by_action = {s["action"]: s for s in steps}
    assert "已提交" in by_action["case_submit"]["heading"]
    assert case.reference in by_action["case_submit"]["text"]
    assert "退回补正" in by_action["case_return"]["heading"]
    assert "请上传2018年12月的缴费凭证" in by_action["case_return"]["text"]
    assert "¥24,000.00" in by_action["case_approve"]["text"]
    assert re.search(r'data-testid="amount">¥24,000.00 \(贰万肆仟元整\)<', html)
    notice = case.notice_entries.get().notice
    assert reverse("notices:detail", args=[notice.pk]) in by_action["case_publish"]["links"]
    # The approval notice sits beside the final step, and only there.
    job = case.notice_jobs.get(kind="approval")
    assert job.state == "done"
    download = reverse("notice-download", args=[job.notice.pk])
    assert by_action["case_finalise"]["links"] == [download]
    assert html.count(download) == 1
    _no_machine_times(html)


def test_the_times_are_shown_in_asia_shanghai(refund_case, client_for) -> None:
    applicant, case = refund_case
    submitted = audit_trail(case).get(action="case_submit").occurred_at
    html = client_for(applicant).get(reverse("apply:case", args=[case.pk])).content.decode()
    [step] = [s for s in _steps(html) if s["action"] == "case_submit"]
    assert submitted.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in step["heading"]


def test_a_rejection_shows_its_notice_beside_the_rejection(
    refund_case, caseworker, client_for, django_capture_on_commit_callbacks
) -> None:
    applicant, case = refund_case
    workflow.case_take(case=case, actor=caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_reject(case=case, reason="企业上年度裁员率超过标准", actor=caseworker)
    steps = _steps(client_for(applicant).get(reverse("apply:case", args=[case.pk])).content.decode())
    assert steps[-1]["action"] == "case_reject"
    assert "企业上年度裁员率超过标准" in steps[-1]["text"]
    job = case.notice_jobs.get(kind="rejection")
    assert steps[-1]["links"] == [reverse("notice-download", args=[job.notice.pk])]


def test_another_enterprises_member_cannot_see_the_timeline(
    refund_case, officer, make_enterprise, make_applicant, client_for
) -> None:
    _applicant, case = refund_case
    other = make_applicant(make_enterprise(officer, code="92654202MA7XK2B12N", county="654202"), username="li.si")
    assert client_for(other).get(reverse("apply:case", args=[case.pk])).status_code == 404


def test_a_resident_sees_the_registration_steps_the_certificate_and_the_referral(
    caseworker_wusu, make_person, make_resident_user, submit_registration, client_for,
    django_capture_on_commit_callbacks,
) -> None:  # fmt: skip
    user = make_resident_user(make_person())
    case = submit_registration(user)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_take(case=case, actor=caseworker_wusu)
        workflow.case_approve(case=case, actor=caseworker_wusu)
    referral_record(case=case, kind="low_income", note="家庭困难，建议申请低保。", actor=caseworker_wusu)
    response = client_for(user).get(reverse("residents:case", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    steps = _steps(html)
    actions = [s["action"] for s in steps]
    assert actions[-4:] == ["case_claim", "case_approve", "case_finalise", "case_referral"]
    final = steps[-2]
    assert "已生效" in final["heading"]
    # Both documents that step issued: the decision and the registration certificate (clause （九）).
    assert "下载失业登记证明（PDF）" in final["text"]
    case.refresh_from_db()
    registration = m09_registration.registration_of(case)
    documents = [*case.notice_jobs.all(), *registration.notice_jobs.all()]
    assert sorted(final["links"]) == sorted(reverse("notice-download", args=[job.notice.pk]) for job in documents)
    assert "低保" in steps[-1]["text"]
    assert "家庭困难" not in html  # the note is for the bureau
    _no_machine_times(html)


def test_an_outsider_resident_cannot_see_the_timeline(
    make_person, make_resident_user, submit_registration, client_for
) -> None:
    case = submit_registration(make_resident_user(make_person()))
    stranger = make_resident_user(make_person(birth=date(1990, 1, 1)))
    assert client_for(stranger).get(reverse("residents:case", args=[case.pk])).status_code == 404


def test_a_returned_case_shows_the_upload_and_a_changed_bank_account_before_the_resubmission(
    settings, tmp_path, refund_case, caseworker, client_for
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    applicant, case = refund_case
    workflow.case_take(case=case, actor=caseworker)
    workflow.case_return(case=case, reason="请上传2018年12月的缴费凭证", actor=caseworker)
    evidence_add(
        case=case, purpose="documents", upload=SimpleUploadedFile("缴费凭证.pdf", b"%PDF-1.4 x"), actor=applicant
    )
    workflow.case_draft_save(case=case, answers={}, bank_account="6222020000000000999", actor=applicant)
    workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    steps = _steps(client_for(applicant).get(reverse("apply:case", args=[case.pk])).content.decode())
    assert [s["action"] for s in steps][-4:] == [
        "case_return",
        "evidence_add",
        "case_bank_account_change",
        "case_resubmit",
    ]
    assert "缴费凭证.pdf" in steps[-3]["text"]
    assert "0999" in steps[-2]["text"]
    assert "6222020000000000999" not in steps[-2]["text"]  # masked


def test_a_step_the_applicant_was_told_about_says_so(
    refund_case, caseworker, client_for, django_capture_on_commit_callbacks
) -> None:
    applicant, case = refund_case
    applicant.phone = "13999012345"
    applicant.save()
    workflow.case_take(case=case, actor=caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_return(case=case, reason="请上传2018年12月的缴费凭证", actor=caseworker)
    html = client_for(applicant).get(reverse("apply:case", args=[case.pk])).content.decode()
    steps = {s["action"]: s for s in _steps(html)}
    assert "已通过短信通知您" in steps["case_return"]["text"]
    assert "通知您" not in steps["case_claim"]["text"]
    assert "通知您" not in steps["case_submit"]["text"]  # its message has not gone out
