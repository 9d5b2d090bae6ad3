"""Issue 13, point 4: money without a second pair of eyes (clause （十四）: 加强资金监管), tried as it happened.

A caseworker approved 5,000,000 on a refund the rules put at 24,000 with the reason "x"; the officer's publish
screen listed it without a flag; it was finalised. Now: a reason must say something, an amount above the calculated
one (or above the measure's dated ceiling) is not publishable or final until a second officer confirms it with a
reason, the publish screen shows calculated against approved, and the overrides page lists them per caseworker.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.roles import Role
from registry.refusals import Refused
from subsidies.cases import publication, workflow
from subsidies.models import Case, CaseKind, CaseState, NoticeListKind, Parameter

pytestmark = pytest.mark.django_db

REASON = "企业补充了2018年12月缴费凭证"
PUBLISH = "/workbench/notices/?kind=refund_approvals&county=&title=T&starts_on="


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def in_review(applicant, officer, caseworker, make_enterprise, submit_refund, client_for) -> Case:
    case = submit_refund(applicant, make_enterprise(officer))
    client_for(caseworker).post(f"/workbench/cases/{case.pk}/claim/")  # taken through the page, as a person does
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    return case


def _approve(client, case: Case, amount: str, reason: str):
    return client.post(
        f"/workbench/cases/{case.pk}/approve/", {"approve-amount": amount, "approve-override_reason": reason}
    )


def test_a_reason_of_x_is_refused_next_to_the_field(client_for, caseworker, in_review: Case) -> None:
    response = _approve(client_for(caseworker), in_review, "5000000", "x")
    assert response.status_code == 400
    assert "至少 5 个" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.state == CaseState.IN_REVIEW and in_review.approved_amount is None


@pytest.mark.parametrize("reason", ["x", "....", "aaaaaa", "  x  x "])
def test_reasons_without_substance(reason: str) -> None:
    assert not workflow.reason_has_substance(reason)
    assert workflow.reason_has_substance("少报离职人员")


def test_an_amount_above_the_calculated_one_is_not_publishable_until_a_second_officer_confirms(
    client_for, caseworker, officer, make_user, in_review: Case
) -> None:
    response = _approve(client_for(caseworker), in_review, "5000000", "企业补充了2018年12月缴费凭证")
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.state == CaseState.APPROVED and in_review.amount_awaits_confirmation
    # Not on the publish screen's candidates: shown apart, flagged.
    page = client_for(officer).get(PUBLISH + timezone.localdate().isoformat()).content.decode()
    assert 'data-testid="held"' in page and in_review.reference in page
    assert f'name="case" value="{in_review.pk}"' not in page
    with pytest.raises(Refused, match="没有可列入该名单的已批准案件"):
        publication.notice_publish(
            kind=NoticeListKind.REFUND_APPROVALS,
            county=None,
            title="T",
            starts_on=timezone.localdate(),
            actor=officer,
            cases=[in_review],
        )
    # Forcing the transition is refused too.
    with pytest.raises(Refused, match="等待第二名审核人确认"), transaction.atomic():
        workflow.transition(Case.objects.get(pk=in_review.pk), "finalise", actor=officer)
    # The second officer confirms with a reason; "x" is not one.
    client = client_for(officer)
    refused = client.post(f"/workbench/cases/{in_review.pk}/confirm-amount/", {"confirm-reason": "x"})
    assert refused.status_code == 400
    client.post(f"/workbench/cases/{in_review.pk}/confirm-amount/", {"confirm-reason": "核对了缴费凭证原件，金额无误"})
    in_review.refresh_from_db()
    assert in_review.amount_confirmed_by == officer and not in_review.amount_awaits_confirmation
    page = client.get(PUBLISH + timezone.localdate().isoformat()).content.decode()
    assert f'name="case" value="{in_review.pk}"' in page
    assert 'data-testid="override"' in page and "¥24,000.00" in page and "¥5,000,000.00" in page


def test_the_caseworker_who_approved_cannot_be_the_second_officer(
    caseworker, make_user, in_review: Case, client_for
) -> None:
    caseworker.groups.add(Group.objects.get(name=Role.PREFECTURE_OFFICER.value))
    workflow.case_approve(case=in_review, actor=caseworker, amount=Decimal("30000"), override_reason="补发12月份返还")
    with pytest.raises(Refused, match="不能是批准该金额的人"):
        workflow.case_amount_confirm(
            case=Case.objects.get(pk=in_review.pk),
            actor=type(caseworker).objects.get(pk=caseworker.pk),
            reason="自己确认一下金额",
        )


def test_a_caseworker_cannot_confirm(client_for, caseworker, make_user, in_review: Case) -> None:
    workflow.case_approve(case=in_review, actor=caseworker, amount=Decimal("30000"), override_reason="补发12月份返还")
    colleague = make_user(Role.COUNTY_CASEWORKER, county_code="654201")
    response = client_for(colleague).post(
        f"/workbench/cases/{in_review.pk}/confirm-amount/", {"confirm-reason": "核对了缴费凭证原件"}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=in_review.pk).amount_awaits_confirmation


def test_an_amount_at_or_below_the_calculated_one_needs_no_second_officer(caseworker, in_review: Case) -> None:
    case = workflow.case_approve(case=in_review, actor=caseworker, amount=Decimal("20000"), override_reason=REASON)
    assert not case.amount_confirmation_needed


def test_the_dated_ceiling_of_the_measure_applies_even_at_the_calculated_amount(caseworker, in_review: Case) -> None:
    Parameter.objects.filter(key="amount_ceiling.stable_job_refund").update(value="20000.00")
    case = workflow.case_approve(case=in_review, actor=caseworker)
    assert case.approved_amount == Decimal("24000.00") and case.amount_awaits_confirmation


def test_a_claim_without_public_notice_is_final_only_after_the_confirmation(officer, caseworker, in_review) -> None:
    # A kind with no public notice becomes final at approval; above the measure's ceiling it waits.
    Case.objects.filter(pk=in_review.pk).update(kind=CaseKind.IN_JOB_TRAINING)
    Parameter.objects.filter(key="amount_ceiling.in_job_training").update(value="20000.00")
    case = workflow.case_approve(case=Case.objects.get(pk=in_review.pk), actor=caseworker)
    assert case.state == CaseState.APPROVED and case.amount_awaits_confirmation
    case = workflow.case_amount_confirm(case=case, actor=officer, reason="发票原件已核对无误")
    assert case.state == CaseState.FINAL


def test_the_overrides_page_lists_them_per_county_and_caseworker(client_for, caseworker, officer, in_review) -> None:
    workflow.case_approve(case=in_review, actor=caseworker, amount=Decimal("5000000"), override_reason=REASON)
    page = client_for(officer).get("/workbench/cases/overrides/").content.decode()
    assert in_review.reference in page and "¥5,000,000.00" in page
    assert 'data-testid="override-summary"' in page
    assert caseworker.username in page


def test_another_countys_caseworker_does_not_see_the_override(
    client_for, caseworker, caseworker_wusu, in_review
) -> None:
    workflow.case_approve(case=in_review, actor=caseworker, amount=Decimal("5000000"), override_reason=REASON)
    page = client_for(caseworker_wusu).get("/workbench/cases/overrides/").content.decode()
    assert in_review.reference not in page
    assert client_for(caseworker_wusu).post(
        f"/workbench/cases/{in_review.pk}/confirm-amount/", {"confirm-reason": "核对了缴费凭证原件"}
    ).status_code in (403, 404)
