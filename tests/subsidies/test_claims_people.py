"""Residents' claims: the cross-checks of clauses （七）, （八） and （三）, each named after its clause."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from registry.models import BenefitPeriod
from registry.refusals import Refused
from subsidies.cases.claims import claim_checks
from subsidies.cases.workflow import case_approve, case_take
from subsidies.measures.m03_startup_loan import startup_loan_claim_submit
from subsidies.measures.m07_training import training_claim_submit
from subsidies.measures.m08_skill_upgrade import skill_upgrade_claim_submit
from subsidies.models import Case, CaseKind, CaseState

pytestmark = pytest.mark.django_db

# POLICY.md test numbers (fictitious, valid).
ID_NUMBERS = ["654201198503150018", "654202199807080021", "654221199211220037", "65422419880808006X"]
BANK = "6228480012345678901"


def skill_data(**overrides):
    data = {
        "occupation": "电工",
        "certificate_level": "junior",
        "certificate_number": f"JN{uuid.uuid4().hex[:10].upper()}",
        "certificate_date": date(2025, 6, 1),
        "insured_months": None,
        "bank_name": "中国农业银行塔城分行",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _in_english():
    """The reasons are matched in English, whatever the Chinese catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def submit_training(training_data):
    """submit_training(person, user, living_allowance=True, **facts) -> the training claim and allowance, submitted."""

    def submit(person, user, *, living_allowance=True, **overrides):
        return training_claim_submit(
            person=person,
            data=training_data(**overrides),
            bank_account=BANK,
            living_allowance=living_allowance,
            token=uuid.uuid4(),
            actor=user,
        )

    return submit


def approve(case, caseworker):
    case_take(case=case, actor=caseworker)
    return case_approve(case=case, actor=caseworker)


def test_it_submits_a_training_subsidy_and_a_living_allowance_with_the_calculators_amounts(
    make_resident, submit_training
) -> None:
    user, person = make_resident()
    subsidy, allowance = submit_training(person, user, cost=Decimal("2400.00"))
    assert subsidy.kind == CaseKind.TRAINING_SUBSIDY and subsidy.state == CaseState.SUBMITTED
    assert subsidy.reference.startswith("PX-654201-2020-")
    assert subsidy.calculated_amount == Decimal("1800.00")  # the cap （七）
    assert allowance.kind == CaseKind.LIVING_ALLOWANCE and allowance.reference.startswith("SH-654201-2020-")
    assert allowance.calculated_amount == Decimal("1000.00")  # 20 days x 50
    assert allowance.answers["training_case"] == subsidy.pk
    # Paid to the person: the account is encrypted on the case and shown masked.
    assert allowance.bank_account == BANK and allowance.bank_account_masked.endswith("8901")
    assert BANK not in str(allowance.answers)


def test_it_submits_once_for_the_same_token(make_resident, training_data) -> None:
    user, person = make_resident()
    token = uuid.uuid4()
    data = training_data()
    first = training_claim_submit(
        person=person, data=data, bank_account=BANK, living_allowance=True, token=token, actor=user
    )
    again = training_claim_submit(
        person=person, data=data, bank_account=BANK, living_allowance=True, token=token, actor=user
    )
    assert [c.pk for c in first] == [c.pk for c in again]


def test_living_allowance_day_31_is_unpaid_clause_7(make_resident, submit_training) -> None:
    user, person = make_resident()
    _subsidy, allowance = submit_training(person, user, training_start=date(2020, 7, 1), training_end=date(2020, 7, 31))
    assert allowance.calculated_amount == Decimal("1500.00")  # 30 days, not 31
    days = next(c for c in claim_checks(allowance) if c.code == "days_paid")
    assert "31" in days.reason and "30" in days.reason


def test_second_living_allowance_in_the_same_year_is_refused_with_the_reason_clause_7(
    caseworker, make_resident, submit_training
) -> None:
    user, person = make_resident(registered_on=date(2019, 10, 1))
    _subsidy, allowance = submit_training(person, user)
    approve(allowance, caseworker)
    allowance.refresh_from_db()
    assert allowance.state == CaseState.FINAL and allowance.approved_amount == Decimal("1000.00")
    with pytest.raises(Refused) as refused:
        submit_training(person, user, training_start=date(2020, 9, 1), training_end=date(2020, 9, 10))
    assert refused.value.field == "living_allowance"
    assert allowance.reference in str(refused.value) and "once per person per year" in str(refused.value)
    _s, other_year = submit_training(person, user, training_start=date(2019, 11, 1), training_end=date(2019, 11, 2))
    assert other_year.year == 2019 and other_year.calculated_amount == Decimal("100.00")
    # Another year is another allowance (registered since 2019 in this case).


def test_七_a_second_living_allowance_is_refused_when_claimed_while_the_first_is_still_being_dealt_with(
    make_resident, submit_training
) -> None:
    """（七） Once per person per year: the second claim is refused when it is made, not accepted and refused at
    approval (the resident was told nothing for weeks)."""
    user, person = make_resident()
    _s1, first = submit_training(person, user)
    assert first.state == CaseState.SUBMITTED
    with pytest.raises(Refused) as refused:
        submit_training(person, user, training_start=date(2020, 8, 1), training_end=date(2020, 8, 5))
    assert refused.value.field == "living_allowance"
    assert first.reference in str(refused.value) and "being dealt with" in str(refused.value)


def test_七_approval_still_refuses_a_second_allowance_that_slipped_through(
    caseworker, make_resident, submit_training
) -> None:
    """Defence in depth: the once-a-year rule is checked again under a lock at approval (here a claim whose year was
    changed after it was submitted stands for one that raced past the check)."""
    user, person = make_resident(registered_on=date(2019, 10, 1))
    _s1, first = submit_training(person, user)
    _s2, second = submit_training(person, user, training_start=date(2019, 11, 1), training_end=date(2019, 11, 5))
    approve(first, caseworker)
    Case.objects.filter(pk=second.pk).update(
        year=first.year, answers={**second.answers, "training_start": "2020-08-01", "training_end": "2020-08-05"}
    )
    second.refresh_from_db()
    case_take(case=second, actor=caseworker)
    with pytest.raises(Refused) as refused:
        case_approve(case=second, actor=caseworker)
    assert first.reference in str(refused.value)
    second.refresh_from_db()
    assert second.state == CaseState.IN_REVIEW
    failed = [c.code for c in claim_checks(second) if c.failed]
    assert failed == ["once_per_year"]


def test_training_period_overlapping_a_benefit_period_is_refused_clause_7(make_resident, submit_training) -> None:
    user, person = make_resident()
    BenefitPeriod.objects.create(person=person, start_month=date(2020, 3, 1), end_month=date(2020, 5, 1))
    with pytest.raises(Refused) as refused:
        submit_training(person, user)  # 2020-05-01..2020-05-20
    assert "2020-03" in str(refused.value) and "benefit" in str(refused.value)
    # The training subsidy alone can still be claimed.
    (subsidy,) = submit_training(person, user, living_allowance=False)
    assert subsidy.state == CaseState.SUBMITTED
    # Training after the benefit ended: allowed.
    _s, allowance = submit_training(person, user, training_start=date(2020, 6, 1), training_end=date(2020, 6, 10))
    assert allowance.calculated_amount == Decimal("500.00")


def test_living_allowance_needs_registration_and_recognition_clause_7(make_resident, submit_training) -> None:
    user, person = make_resident(registered_on=None)
    with pytest.raises(Refused) as refused:
        submit_training(person, user)
    assert "No unemployment registration" in str(refused.value)
    assert "employment-difficult" in str(refused.value)


def test_zero_employment_family_qualifies_without_recognition_clause_7(make_resident, submit_training) -> None:
    user, person = make_resident(recognised=False)
    with pytest.raises(Refused):
        submit_training(person, user)
    person.zero_employment_family = True
    person.save()
    _s, allowance = submit_training(person, user)
    assert allowance.calculated_amount == Decimal("1000.00")


def test_living_allowance_only_for_training_starting_in_the_window_clause_7(make_resident, submit_training) -> None:
    user, person = make_resident(registered_on=date(2020, 6, 1))
    with pytest.raises(Refused) as refused:
        submit_training(person, user, training_start=date(2021, 3, 1), training_end=date(2021, 3, 10))
    assert "outside" in str(refused.value)


def test_a_training_certificate_is_claimed_once_clause_7(make_resident, submit_training) -> None:
    user, person = make_resident()
    submit_training(person, user, living_allowance=False, certificate_number="PX-2020-0001")
    with pytest.raises(Refused) as refused:
        submit_training(person, user, living_allowance=False, certificate_number="PX-2020-0001")
    assert refused.value.field == "certificate_number"


def submit_skill(person, user, **overrides):
    return skill_upgrade_claim_submit(
        person=person, data=skill_data(**overrides), bank_account=BANK, token=uuid.uuid4(), actor=user
    )


def test_skill_upgrade_takes_insured_months_from_the_registry_clause_8(make_resident) -> None:
    user, person = make_resident(insured_months=40)
    case = submit_skill(person, user, insured_months=3)
    assert case.answers["insured_months"] == 40 and case.answers["insured_months_source"] == "registry"
    assert case.calculated_amount == Decimal("1000.00")


def test_skill_upgrade_marks_entered_months_and_checks_them_clause_8(make_resident) -> None:
    user, person = make_resident()
    case = submit_skill(person, user, insured_months=20, certificate_level="senior")
    assert case.answers["insured_months_source"] == "applicant"
    assert case.calculation["eligible"] is False  # 36 months outside the 2019-2020 window
    months = next(c for c in claim_checks(case) if c.code == "insured_months")
    assert months.failed and "entered by the applicant" in months.reason


def test_skill_upgrade_second_claim_at_the_same_level_is_refused_a_higher_level_allowed_clause_8(make_resident) -> None:
    user, person = make_resident(insured_months=40)
    first = submit_skill(person, user, certificate_level="intermediate")
    with pytest.raises(Refused) as refused:
        submit_skill(person, user, occupation=" 电工 ", certificate_level="intermediate")
    assert first.reference in str(refused.value) and "once per occupation and level" in str(refused.value)
    higher = submit_skill(person, user, certificate_level="senior")
    assert higher.calculated_amount == Decimal("2000.00")
    other_trade = submit_skill(person, user, occupation="焊工", certificate_level="intermediate")
    assert other_trade.state == CaseState.SUBMITTED


def test_skill_upgrade_after_a_rejected_claim_is_allowed_clause_8(caseworker, make_resident) -> None:
    from subsidies.cases.workflow import case_reject

    user, person = make_resident(insured_months=40)
    first = submit_skill(person, user)
    case_take(case=first, actor=caseworker)
    case_reject(case=first, reason="证书编号无法核实", actor=caseworker)
    again = submit_skill(person, user)
    assert again.state == CaseState.SUBMITTED


def test_individual_start_up_loan_is_certified_at_the_loan_that_can_be_guaranteed_clause_3(
    caseworker, make_resident
) -> None:
    user, person = make_resident()
    data = {
        "category": "registered_unemployed",
        "business_name": "建国汽修",
        "business_activity": "汽车维修",
        "requested_amount": Decimal("200000"),
    }
    case = startup_loan_claim_submit(person=person, data=data, token=uuid.uuid4(), actor=user)
    assert case.kind == CaseKind.STARTUP_LOAN and case.person == person and case.enterprise is None
    assert case.calculated_amount == Decimal("150000.00")  # the individual cap
    assert [c.passed for c in claim_checks(case)] == [True, True]
    approve(case, caseworker)
    case.refresh_from_db()
    assert case.state == CaseState.FINAL and case.approved_amount == Decimal("150000.00")
    with pytest.raises(Refused):  # one request at a time
        startup_loan_claim_submit(person=person, data=data, token=uuid.uuid4(), actor=user)


def test_start_up_loan_as_registered_unemployed_needs_a_registration_clause_3(make_resident) -> None:
    user, person = make_resident(ID_NUMBERS[1], registered_on=None)
    data = {"category": "registered_unemployed", "business_name": "x", "business_activity": "y", "requested_amount": 1}
    with pytest.raises(Refused) as refused:
        startup_loan_claim_submit(person=person, data=data, token=uuid.uuid4(), actor=user)
    assert refused.value.field == "category"
    data["category"], data["category_details"] = "other", "退役军人"
    case = startup_loan_claim_submit(person=person, data=data, token=uuid.uuid4(), actor=user)
    assert claim_checks(case)[0].passed is None  # for the caseworker to verify
