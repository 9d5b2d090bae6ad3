"""The impact of a parameter change (clause （十四）): which open cases and offers change, how many, by how much."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from registry.identifiers import credit_code_check_character, organisation_code_check_digit
from registry.models import AuditEvent
from subsidies.cases.workflow import case_draft_save, case_draft_start, case_submit
from subsidies.impact import parameter_change_impact
from subsidies.measures.m01_stable_job_refund import case_from_offer, refund_offers_compute
from subsidies.models import Case, CaseKind, Parameter, RefundOffer

pytestmark = pytest.mark.django_db

ANSWERS = {
    "ui_premiums_paid_last_year": "48000.00",
    "ui_months_paid_in_full": 12,
    "insured_at_start": 40,
    "insured_at_end": 39,
    "retired_or_deceased": 1,
    "figures_source": "registry",
}


def _laid_off(applicant, ent) -> Case:
    """A 2019 refund of an enterprise that laid off a quarter of its staff: not eligible whatever the ratio."""
    case = case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=ent, year=2019, actor=applicant)
    answers = {**ANSWERS, "insured_at_end": 30, "retired_or_deceased": 0, "figures_change_reason": "年末花名册为准"}
    case_draft_save(case=case, actor=applicant, track="standard", bank_account="6222021234567890123", answers=answers)
    return case_submit(case=case, token=uuid.uuid4(), actor=applicant)


@pytest.fixture
def world(officer, make_enterprise, submit_refund):
    big = make_enterprise(officer, code="91654201312345673Q", county="654201", premiums="48000.00")
    small = make_enterprise(officer, code="92654202MA7XK2B12N", county="654202", premiums="10000.00")
    case_2019 = submit_refund(officer, big)  # 48000 x 0.50 = 24000.00, rules of 2019
    laid_off = _laid_off(officer, small)
    refund_offers_compute(year=2019)  # offers 24000.00 (big) and 5000.00 (small)
    return {"case_2019": case_2019, "laid_off": laid_off, "big": big, "small": small, "officer": officer}


def test_a_higher_refund_ratio_changes_the_eligible_case_and_offers_but_not_the_ineligible_case(world):
    impact = parameter_change_impact(key="stable_job_refund.ratio", value="0.60", valid_from=date(2019, 7, 1))
    changed = {(c.kind, c.pk): (c.amount_before, c.amount_after) for c in impact.changes}
    big_offer = RefundOffer.objects.get(enterprise=world["big"])
    small_offer = RefundOffer.objects.get(enterprise=world["small"])
    assert changed == {
        ("case", world["case_2019"].pk): (Decimal("24000.00"), Decimal("28800.00")),
        ("offer", big_offer.pk): (Decimal("24000.00"), Decimal("28800.00")),
        ("offer", small_offer.pk): (Decimal("5000.00"), Decimal("6000.00")),
    }
    assert impact.cases_checked == 2
    assert impact.offers_checked == 2
    assert impact.count == 3
    assert impact.eligibility_changes == 0
    assert impact.total_difference == Decimal("10600.00")


def test_a_confirmed_offer_is_counted_once_as_the_case_it_became(world, make_enterprise):
    """（十四） An enterprise that confirmed its offer has a case: the preview counts that case, never the offer too."""
    organisation = "MA7XK2B1" + organisation_code_check_digit("MA7XK2B1")
    body = "91654201" + organisation
    third = make_enterprise(world["officer"], code=body + credit_code_check_character(body), premiums="20000.00")
    refund_offers_compute(year=2019)
    offer = RefundOffer.objects.get(enterprise=third)
    confirmed = case_from_offer(
        offer=offer,
        bank_name="中国工商银行",
        bank_account="6222021234567890123",
        token=uuid.uuid4(),
        actor=world["officer"],
    )
    impact = parameter_change_impact(key="stable_job_refund.ratio", value="0.60", valid_from=date(2019, 7, 1))
    changed = {(c.kind, c.pk) for c in impact.changes}
    assert ("case", confirmed.pk) in changed
    assert ("offer", offer.pk) not in changed
    assert impact.offers_checked == 2  # the two offers nobody confirmed
    assert impact.total_difference == Decimal("12600.00")  # 4800 + 4800 + 1000, and 2000 once for the third


def test_a_longer_minimum_of_months_paid_makes_cases_ineligible(world):
    impact = parameter_change_impact(key="stable_job_refund.min_ui_months", value="13", valid_from=date(2019, 7, 1))
    assert impact.eligibility_changes == 3
    assert impact.total_difference == Decimal("-53000.00")  # 24000 + 24000 + 5000 no longer paid


def test_a_change_dated_after_the_year_changes_nothing_of_that_year(world):
    impact = parameter_change_impact(key="stable_job_refund.ratio", value="0.60", valid_from=date(2020, 1, 1))
    assert impact.count == 0
    assert impact.total_difference == Decimal("0.00")


def test_the_preview_changes_nothing_in_the_database(client_for, officer, world):
    def state():
        return (
            list(Parameter.objects.order_by("pk").values_list("pk", "valid_to", "value")),
            AuditEvent.objects.count(),
            list(Case.objects.order_by("pk").values_list("pk", "calculated_amount", "state", "updated_at")),
            list(RefundOffer.objects.order_by("pk").values_list("pk", "amount", "eligible", "changed_at")),
        )

    before = state()
    response = client_for(officer).post(
        reverse("workbench:add-parameter", args=["stable_job_refund.ratio"]),
        {"value": "0.60", "valid_from": "2019-07-01", "source": "test", "preview": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="impact-count">3<' in html
    assert 'id="impact-total">+¥10,600.00<' in html  # money written one way, with the change's sign
    assert state() == before


def test_saving_the_change_keeps_the_impact_in_its_audit_row(client_for, officer, world):
    response = client_for(officer).post(
        reverse("workbench:add-parameter", args=["stable_job_refund.ratio"]),
        {"value": "0.60", "valid_from": "2019-07-01", "source": "塔行发〔2019〕16号（一）"},
    )
    assert response.status_code == 302
    row = AuditEvent.objects.get(action="parameter.add")
    assert row.after["impact"]["changed"] == 3
    assert row.after["impact"]["total_difference"] == "10600.00"
    assert row.after["impact"]["case_ids"] == [world["case_2019"].pk]
    # The stored cases keep their amounts: a change applies to later calculations, not to what was submitted.
    assert Case.objects.get(pk=world["case_2019"].pk).calculated_amount == Decimal("24000.00")


def test_auditors_and_caseworkers_cannot_preview_or_save(client_for, auditor, caseworker, world):
    for user in (auditor, caseworker):
        response = client_for(user).post(
            reverse("workbench:add-parameter", args=["stable_job_refund.ratio"]),
            {"value": "0.60", "valid_from": "2019-07-01", "source": "x", "preview": "1"},
        )
        assert response.status_code == 403
