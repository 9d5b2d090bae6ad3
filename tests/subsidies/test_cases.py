"""Case states: every allowed and refused transition, reasons, audit rows, idempotent submit, claiming."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone, translation

from portal.roles import Role
from registry.audit import audit_trail
from registry.refusals import Refused
from subsidies.cases import publication, workflow
from subsidies.measures import m01_stable_job_refund
from subsidies.models import Case, CaseKind, CaseState, NoticeListKind, ObjectionState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The refusals are matched in English here; the pages' tests check them in Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def case(applicant, officer, make_enterprise, submit_refund):
    return submit_refund(applicant, make_enterprise(officer))


def test_submit_gives_a_reference_of_kind_county_year_and_sequence(case) -> None:
    assert case.reference == "WG-654201-2019-000001"
    assert case.state == CaseState.SUBMITTED


def test_the_refund_is_half_of_last_years_premiums_with_its_clause(case) -> None:
    # Clause （一）: 50% of the UI premiums actually paid last year; layoff rate (40-39-1)/40 = 0 < 3.8%.
    assert case.calculated_amount == Decimal("24000.00")
    assert "塔行发〔2019〕16号（一）" in case.calculation["citations"]


def test_a_retried_submit_with_the_same_token_makes_one_case(
    applicant, officer, make_enterprise, submit_refund
) -> None:
    token = uuid.uuid4()
    ent = make_enterprise(officer)
    first = submit_refund(applicant, ent, token=token)
    again = workflow.case_submit(case=first, token=token, actor=applicant)
    assert again.pk == first.pk
    assert Case.objects.filter(enterprise=ent).count() == 1
    assert again.reference == "WG-654201-2019-000001"


def test_a_second_application_for_the_same_year_resumes_the_first(case, applicant) -> None:
    again = workflow.case_draft_start(kind=case.kind, enterprise=case.enterprise, year=2019, actor=applicant)
    assert again.pk == case.pk


def test_a_submitted_application_can_no_longer_be_edited(case, applicant) -> None:
    with pytest.raises(Refused, match="can no longer be changed"):
        workflow.case_draft_save(case=case, answers={"insured_at_end": 1}, actor=applicant)


def test_claim_then_approve_at_the_calculated_amount_writes_audit_rows(case, caseworker) -> None:
    workflow.case_take(case=case, actor=caseworker)
    approved = workflow.case_approve(case=case, actor=caseworker)
    assert approved.state == CaseState.APPROVED
    assert approved.approved_amount == Decimal("24000.00")
    actions = [e.action for e in audit_trail(approved).order_by("occurred_at", "id")]
    assert actions == ["case_draft_start", "case_submit", "case_claim", "case_approve"]
    last = audit_trail(approved).first()
    assert last.before == {"state": "in_review"} and last.after["state"] == "approved"
    assert last.actor == caseworker


def test_overriding_the_amount_needs_a_reason(case, caseworker) -> None:
    workflow.case_take(case=case, actor=caseworker)
    with pytest.raises(Refused, match="differs from the calculated"):
        workflow.case_approve(case=case, actor=caseworker, amount=Decimal("20000"))
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    approved = workflow.case_approve(
        case=case, actor=caseworker, amount=Decimal("20000"), override_reason="少报离职人员"
    )
    assert approved.approved_amount == Decimal("20000")
    assert approved.calculated_amount == Decimal("24000.00")
    assert approved.override_reason == "少报离职人员"


@pytest.mark.parametrize("action", ["case_return", "case_reject"])
def test_return_and_reject_need_a_reason(case, caseworker, action: str) -> None:
    workflow.case_take(case=case, actor=caseworker)
    with pytest.raises(Refused, match="Give a reason"):
        getattr(workflow, action)(case=case, reason="  ", actor=caseworker)
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW


def test_a_returned_case_is_corrected_and_resubmitted(case, caseworker, applicant) -> None:
    workflow.case_take(case=case, actor=caseworker)
    workflow.case_return(case=case, reason="请补充年末参保人数", actor=caseworker)
    case.refresh_from_db()
    assert case.state == CaseState.RETURNED
    workflow.case_draft_save(case=case, answers={"insured_at_end": 38}, actor=applicant)
    resubmitted = workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert resubmitted.state == CaseState.RESUBMITTED
    assert resubmitted.reference == "WG-654201-2019-000001"  # the reference stays


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (CaseState.SUBMITTED, "case_approve"),
        (CaseState.SUBMITTED, "case_reject"),
        (CaseState.APPROVED, "case_take"),
        (CaseState.REJECTED, "case_take"),
        (CaseState.FINAL, "case_take"),
    ],
)
def test_refused_transitions_say_why(case, caseworker, state: str, action: str) -> None:
    Case.objects.filter(pk=case.pk).update(state=state, assignee=caseworker if state != "submitted" else None)
    case.refresh_from_db()
    kwargs = {"reason": "原因"} if action == "case_reject" else {}
    with pytest.raises(Refused) as refused:
        getattr(workflow, action)(case=case, actor=caseworker, **kwargs)
    assert str(refused.value)  # a sentence, not a code
    case.refresh_from_db()
    assert case.state == state


def test_only_the_holder_decides(case, caseworker, make_user) -> None:
    colleague = make_user(Role.COUNTY_CASEWORKER, county_code="654201")
    workflow.case_take(case=case, actor=caseworker)
    with pytest.raises(Refused, match="took this case first"):
        workflow.case_take(case=case, actor=colleague)
    with pytest.raises(Refused, match="Another caseworker holds"):
        workflow.case_approve(case=case, actor=colleague)


def test_a_caseworker_of_another_county_cannot_claim(case, caseworker_wusu) -> None:
    with pytest.raises(Refused, match="another county"):
        workflow.case_take(case=case, actor=caseworker_wusu)


def test_an_auditor_cannot_decide(case, auditor) -> None:
    with pytest.raises(Refused, match="cannot decide"):
        workflow.case_take(case=case, actor=auditor)


def _approved(case, caseworker):
    workflow.case_take(case=case, actor=caseworker)
    return workflow.case_approve(case=case, actor=caseworker)


def test_publish_puts_approved_cases_on_notice_for_five_working_days(case, caseworker, officer) -> None:
    _approved(case, caseworker)
    start = timezone.localdate() + timedelta(days=1)
    notice = publication.notice_publish(
        kind=NoticeListKind.REFUND_APPROVALS, county=None, title="稳岗返还公示", starts_on=start, actor=officer
    )
    case.refresh_from_db()
    assert case.state == CaseState.ON_NOTICE
    assert notice.entries.get().case == case
    assert notice.ends_on - notice.starts_on >= timedelta(days=4)


def test_a_caseworker_cannot_publish(case, caseworker) -> None:
    _approved(case, caseworker)
    with pytest.raises(Refused, match="Only prefecture officers"):
        publication.notice_publish(
            kind=NoticeListKind.REFUND_APPROVALS,
            county=None,
            title="x",
            starts_on=timezone.localdate(),
            actor=caseworker,
        )


def _published(case, caseworker, officer):
    _approved(case, caseworker)
    return publication.notice_publish(
        kind=NoticeListKind.REFUND_APPROVALS,
        county=None,
        title="稳岗返还公示",
        starts_on=timezone.localdate(),
        actor=officer,
    )


def test_an_upheld_objection_sends_the_case_back_to_review(case, caseworker, officer) -> None:
    notice = _published(case, caseworker, officer)
    objection = publication.objection_submit(
        notice=notice, entry=notice.entries.get(), name="张三", contact="13800000000", text="该企业去年有裁员"
    )
    publication.objection_resolve(objection=objection, upheld=True, reason="核实属实", actor=caseworker)
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    assert notice.entries.get().withdrawn


def test_a_list_is_not_finalised_before_its_period_ends_or_with_an_open_objection(case, caseworker, officer) -> None:
    notice = _published(case, caseworker, officer)
    with pytest.raises(Refused, match="runs until"):
        publication.notice_finalise(notice=notice, actor=officer)
    publication.objection_submit(
        notice=notice, entry=notice.entries.get(), name="李四", contact="x@example.com", text="异议"
    )
    with pytest.raises(Refused, match="open objection"):
        publication.notice_finalise(notice=notice, actor=officer, today=notice.ends_on + timedelta(days=1))
    assert publication.notices_finalise_due(today=notice.ends_on + timedelta(days=1)) == []


def test_a_dismissed_objection_lets_the_daily_task_finalise_the_list(case, caseworker, officer) -> None:
    notice = _published(case, caseworker, officer)
    objection = publication.objection_submit(
        notice=notice, entry=notice.entries.get(), name="李四", contact="x", text="异议"
    )
    publication.objection_resolve(objection=objection, upheld=False, reason="经核实无裁员", actor=caseworker)
    assert objection.__class__.objects.get().state == ObjectionState.DISMISSED
    assert publication.notices_finalise_due(today=notice.ends_on) == []  # the last day still belongs to the period
    assert publication.notices_finalise_due(today=notice.ends_on + timedelta(days=1)) == [notice.pk]
    case.refresh_from_db()
    assert case.state == CaseState.FINAL


def test_a_final_hardship_recognition_opens_the_hardship_track(
    applicant, caseworker, officer, make_enterprise, recognise_hardship
) -> None:
    ent = make_enterprise(officer)
    assert not m01_stable_job_refund.hardship_list_includes(enterprise=ent, year=2019)
    recognition = recognise_hardship(applicant, caseworker, officer, ent)
    assert recognition.reference.startswith("KN-654201-2019-")
    assert m01_stable_job_refund.hardship_list_includes(enterprise=ent, year=2019)


def test_一_a_refund_draft_for_a_past_year_is_not_calculated_by_that_years_last_day(
    applicant, officer, make_enterprise
) -> None:
    case = workflow.case_draft_start(
        kind="stable_job_refund", enterprise=make_enterprise(officer), year=2019, actor=applicant
    )
    # An application for 2019 made after 2019 is an application of its own day: the rules of that day apply.
    assert m01_stable_job_refund.calculation_date(case) > date(2019, 12, 31)


@pytest.mark.django_db(transaction=True)
def test_two_caseworkers_claiming_at_once_one_wins(make_user, officer, make_enterprise, submit_refund) -> None:
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    case = submit_refund(applicant, make_enterprise(officer))
    workers = [make_user(Role.COUNTY_CASEWORKER, county_code="654201") for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim(worker) -> None:
        try:
            barrier.wait()
            workflow.case_take(case=Case.objects.get(pk=case.pk), actor=worker)
            outcomes.append("won")
        except Refused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "won"]
    case.refresh_from_db()
    assert case.assignee in workers
    assert [e.action for e in audit_trail(case)].count("case_claim") == 1


def test_一_changed_registry_figures_without_a_reason_are_refused_by_the_submit_service(
    applicant, officer, make_enterprise
) -> None:
    """（一） The rule lives in the service, not only in the form: a POST around the wizard cannot skip it."""
    ent = make_enterprise(officer)
    case = workflow.case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=ent, year=2019, actor=applicant)
    figures = {
        "ui_premiums_paid_last_year": "96000.00",  # the registry says 48,000.00
        "ui_months_paid_in_full": 12,
        "insured_at_start": 40,
        "insured_at_end": 39,
        "retired_or_deceased": 1,
    }
    workflow.case_draft_save(
        case=case, actor=applicant, track="standard", bank_account="6222021234567890123", answers=figures
    )
    with pytest.raises(Refused) as refused:
        workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert refused.value.field == "change_reason"
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT and case.reference is None

    workflow.case_draft_save(case=case, actor=applicant, answers={"figures_change_reason": "12月缴费凭证已上传"})
    submitted = workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert submitted.state == CaseState.SUBMITTED
    assert submitted.calculated_amount == Decimal("48000.00")
