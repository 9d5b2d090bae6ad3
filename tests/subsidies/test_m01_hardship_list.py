"""（一） 统筹考虑全地区产业结构、环境保护、失业保险基金支付能力以及企业生产经营状况、稳定就业岗位措施、诚实守信等因素……
牵头单位：地区人社局 配合单位：地区财政局: a recognition is approved only with a finding on each factor and the finance
bureau's confirmation."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.utils import translation

from portal.roles import Role
from registry.audit import audit_trail
from registry.refusals import Refused
from subsidies.cases import workflow
from subsidies.measures import m01_stable_job_refund as m01
from subsidies.models import Case, CaseKind, CaseState
from tests.conftest import HARDSHIP_FINDINGS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def in_review(applicant, caseworker, officer, make_enterprise):
    ent = make_enterprise(officer)  # 2018: 40 insured at the start, 39 at the end, one retired; 12 months paid
    case = workflow.case_draft_start(kind=CaseKind.HARDSHIP_RECOGNITION, enterprise=ent, year=2019, actor=applicant)
    workflow.case_draft_save(case=case, answers={"situation": "订单下降"}, actor=applicant)
    case = workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    return workflow.case_take(case=case, actor=caseworker)


def confirm(case, officer):
    return m01.hardship_finance_confirmation_record(
        case=case, document="塔地财函〔2019〕1号", confirmed_on=date(2019, 6, 3), confirmed_by="李明", actor=officer
    )


def test_一_recognition_keeps_the_registry_facts_of_the_factors_at_submission(in_review) -> None:
    facts = in_review.answers["registry_facts"]
    assert facts["year"] == 2018 and facts["arrears_months"] == 0
    assert facts["layoffs"] == 0 and facts["layoff_rate"] == "0.0000"  # 40 - 39 - 1 retired
    assert facts["fund_months_payable"] == "24"  # the sample parameter ui_fund.months_payable


def test_一_recognition_without_an_assessment_is_not_approved(in_review, caseworker) -> None:
    with pytest.raises(Refused, match="finding on each factor"):
        workflow.case_approve(case=in_review, actor=caseworker)
    assert Case.objects.get(pk=in_review.pk).state == CaseState.IN_REVIEW


def test_一_recognition_without_the_finance_bureaus_confirmation_is_not_approved(in_review, caseworker) -> None:
    m01.hardship_assessment_record(case=in_review, findings=HARDSHIP_FINDINGS, actor=caseworker)
    with pytest.raises(Refused, match="finance bureau has not confirmed"):
        workflow.case_approve(case=Case.objects.get(pk=in_review.pk), actor=caseworker)
    assert Case.objects.get(pk=in_review.pk).state == CaseState.IN_REVIEW


def test_一_assessed_and_confirmed_recognition_is_approved_for_publication(in_review, caseworker, officer) -> None:
    m01.hardship_assessment_record(case=in_review, findings=HARDSHIP_FINDINGS, actor=caseworker)
    confirm(in_review, officer)
    case = workflow.case_approve(case=Case.objects.get(pk=in_review.pk), actor=caseworker)
    assert case.state == CaseState.APPROVED
    assert case.answers["assessment"]["factors"]["credit"] == {
        "term": "诚实守信",
        "finding": "supports",
        "note": "经核实",
    }
    actions = [event.action for event in audit_trail(case)]
    assert "hardship_assessment_record" in actions and "hardship_finance_confirmation_record" in actions


def test_一_every_factor_needs_a_finding_and_what_it_rests_on(in_review, caseworker) -> None:
    without_credit = {k: v for k, v in HARDSHIP_FINDINGS.items() if k != "credit"}
    with pytest.raises(Refused) as refused:
        m01.hardship_assessment_record(case=in_review, findings=without_credit, actor=caseworker)
    assert refused.value.field == "credit_finding"
    unexplained = {**HARDSHIP_FINDINGS, "environment": {"finding": "against", "note": " "}}
    with pytest.raises(Refused) as refused:
        m01.hardship_assessment_record(case=in_review, findings=unexplained, actor=caseworker)
    assert refused.value.field == "environment_note"
    assert "assessment" not in Case.objects.get(pk=in_review.pk).answers


def test_一_only_a_prefecture_officer_records_the_finance_bureaus_confirmation(in_review, caseworker) -> None:
    m01.hardship_assessment_record(case=in_review, findings=HARDSHIP_FINDINGS, actor=caseworker)
    with pytest.raises(Refused, match="prefecture officer"):
        confirm(in_review, caseworker)


def test_一_the_finance_bureau_confirms_an_assessed_recognition_only(in_review, officer) -> None:
    with pytest.raises(Refused, match="record the assessment first"):
        confirm(in_review, officer)
