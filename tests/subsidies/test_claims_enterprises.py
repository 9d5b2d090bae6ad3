"""Enterprise claims: internships （五）, start-up loans （三）, in-job training （六）, guarantee referral （二）."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from portal.roles import Role
from registry.audit import audit_trail
from registry.crypto import id_number_index
from registry.models import Person
from registry.refusals import Refused
from registry.services import enterprise_quality_list_set
from subsidies.cases import claims
from subsidies.measures import m02_guarantee_referral, m03_startup_loan, m06_in_job_training
from subsidies.models import Case, CaseKind, CaseState, GuaranteeReferral, ReferralState

pytestmark = pytest.mark.django_db

# POLICY.md test numbers (fictitious, valid): born 1985-03-15 and 1998-07-08 (make_intern_claim's intern).
ID_1985 = "654201198503150018"
ID_1998 = "654202199807080021"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Refusals are matched in English, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def applicant(make_user):  # type: ignore[no-untyped-def]
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def host(officer, make_enterprise):  # type: ignore[no-untyped-def]
    return make_enterprise(officer)


def test_internship_claim_is_refused_before_the_base_is_approved_clause_5(applicant, host, make_intern_claim):
    case = make_intern_claim(applicant, host)
    with pytest.raises(Refused, match="not yet an approved internship base"):
        claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert Case.objects.get(pk=case.pk).state == CaseState.DRAFT


def test_intern_is_found_or_added_by_blind_index_and_stored_masked(applicant, host, make_intern_claim):
    case = make_intern_claim(applicant, host)
    person = Person.objects.get(id_number_index=id_number_index(ID_1998))
    assert case.placement.intern == person
    assert case.answers["intern_id_number"] == "654202********0021"
    assert ID_1998 not in str(case.answers)
    assert make_intern_claim(applicant, host).placement.intern == person  # the second claim finds the same person


def test_intern_aged_25_is_refused_unless_a_graduate_clause_5(
    applicant, host, caseworker, approve_internship_base, make_intern_claim
):
    approve_internship_base(applicant, host, caseworker)
    # Born 1998-07-08: 25 on a start on 2023-07-08.
    youth = make_intern_claim(applicant, host, start_date=date(2023, 7, 8), category="youth")
    with pytest.raises(Refused, match="At 25 the intern is outside the ages 16-24"):
        claims.claim_submit(case=youth, token=uuid.uuid4(), actor=applicant)
    graduate = make_intern_claim(applicant, host, start_date=date(2023, 7, 8), category="graduate")
    submitted = claims.claim_submit(case=graduate, token=uuid.uuid4(), actor=applicant)
    assert submitted.state == CaseState.SUBMITTED
    assert submitted.calculation["age"] == 25
    assert submitted.calculation["eligible"] is True


def test_intern_aged_24_as_youth_qualifies_and_is_paid_the_minimum_wage_clause_5(
    applicant, host, caseworker, approve_internship_base, claim_and_approve, make_intern_claim
):
    approve_internship_base(applicant, host, caseworker)
    case = claims.claim_submit(case=make_intern_claim(applicant, host), token=uuid.uuid4(), actor=applicant)
    # 塔城市 is wage tier 2 (sample): 1,620 a month x 6 months, all to the intern.
    assert case.calculated_amount == Decimal("9720.00")
    assert case.calculation["to_intern"] == "9720.00"
    assert case.calculation["to_host"] == "0.00"
    case = claim_and_approve(case, caseworker)
    assert case.state == CaseState.FINAL
    assert case.approved_amount == Decimal("9720.00")


def test_early_hire_with_two_year_contract_moves_remaining_months_to_the_host_clause_5(
    applicant, host, caseworker, approve_internship_base, make_intern_claim
):
    approve_internship_base(applicant, host, caseworker)
    case = make_intern_claim(
        applicant, host, category="graduate", hired_after_months=4, contract_years=2, social_insurance=True
    )
    case = claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.calculation["to_intern"] == "6480.00"
    assert case.calculation["to_host"] == "3240.00"


def test_early_hire_without_social_insurance_pays_the_intern_only_until_the_hire_clause_5(
    applicant, host, caseworker, approve_internship_base, make_intern_claim
):
    approve_internship_base(applicant, host, caseworker)
    case = make_intern_claim(applicant, host, hired_after_months=4, contract_years=2, social_insurance=False)
    case = claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.calculation["to_host"] == "0.00"
    assert case.calculation["to_intern"] == "6480.00"  # the 4 months of the internship, not 6


def test_host_pay_below_half_the_minimum_wage_is_refused_clause_5(
    applicant, host, caseworker, approve_internship_base, make_intern_claim
):
    approve_internship_base(applicant, host, caseworker)
    case = make_intern_claim(applicant, host, host_monthly_pay=Decimal("809.99"))
    with pytest.raises(Refused, match=r"less than 810\.00"):
        claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)


def test_a_host_may_claim_for_several_interns_in_a_year_clause_5(
    applicant, host, caseworker, approve_internship_base, make_intern_claim
):
    approve_internship_base(applicant, host, caseworker)
    first = claims.claim_submit(case=make_intern_claim(applicant, host), token=uuid.uuid4(), actor=applicant)
    second = make_intern_claim(applicant, host, id_number=ID_1985, category="graduate")
    second = claims.claim_submit(case=second, token=uuid.uuid4(), actor=applicant)
    assert first.reference != second.reference


def _loan_case(applicant, ent, **answers):  # type: ignore[no-untyped-def]
    values = {"requested_amount": "500000.00", "contract_years": 1, "purpose": "扩大生产"}
    values.update(answers)
    return m03_startup_loan.startup_loan_enterprise_start(enterprise=ent, year=2019, answers=values, actor=applicant)


def test_hiring_ratio_at_exactly_25_percent_qualifies_clause_3(applicant, host):
    case = _loan_case(applicant, host, current_staff=40, new_qualifying_hires=10)
    case = claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.calculation["eligible"] is True
    assert case.calculation["hiring_ratio"] == "0.2500"
    assert case.calculated_amount == Decimal("500000.00")


def test_hiring_ratio_just_below_25_percent_is_refused_clause_3(applicant, host):
    case = _loan_case(applicant, host, current_staff=41, new_qualifying_hires=10)
    with pytest.raises(Refused, match=r"0\.2439 of current staff; 0\.25 is required"):
        claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)


def test_hiring_ratio_at_15_percent_with_101_staff_qualifies_clause_3(applicant, host, make_enterprise):
    # 16 / 101 = 0.158 >= 0.15 (staff above 100); 15 / 101 = 0.1485 is short.
    case = _loan_case(applicant, host, current_staff=101, new_qualifying_hires=16)
    assert claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant).calculation["eligible"] is True
    _checks, calculation = claims.evaluate(
        _loan_case(
            applicant, make_enterprise(applicant, code="92654202MA7XK2B12N"), current_staff=101, new_qualifying_hires=15
        )
    )
    assert calculation["eligible"] is False


def test_start_up_loan_is_for_small_or_micro_enterprises_only_clause_3(applicant, officer, make_enterprise):
    from registry.models import Enterprise

    big = make_enterprise(officer)
    Enterprise.objects.filter(pk=big.pk).update(size_class="large")
    big.refresh_from_db()
    case = _loan_case(applicant, big, current_staff=40, new_qualifying_hires=10)
    with pytest.raises(Refused, match="only small and micro enterprises qualify"):
        claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)


def test_in_job_training_needs_the_2019_hardship_list_clause_6(applicant, host):
    case = m06_in_job_training.in_job_training_start(
        enterprise=host,
        answers={
            "course": "安全生产",
            "training_start": "2019-05-06",
            "training_end": "2019-05-10",
            "trainees": 20,
            "training_costs": "30000.00",
            "education_fund": "12000.00",
        },
        actor=applicant,
    )
    with pytest.raises(Refused, match="not on a final hardship list of 2019"):
        claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)


def test_in_job_training_pays_the_shortfall_as_the_county_decides_clause_6(
    applicant, host, caseworker, claim_and_approve
):
    Case.objects.create(
        kind=CaseKind.HARDSHIP_RECOGNITION,
        enterprise=host,
        county=host.county,
        year=2019,
        state=CaseState.FINAL,
        reference="KN-654201-2019-000001",
        created_by=applicant,
    )
    case = m06_in_job_training.in_job_training_start(
        enterprise=host,
        answers={
            "course": "安全生产",
            "training_start": "2019-05-06",
            "training_end": "2019-05-10",
            "trainees": 20,
            "training_costs": "30000.00",
            "education_fund": "12000.00",
        },
        actor=applicant,
    )
    case = claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.calculated_amount == Decimal("9000.00")  # the ceiling: 0.50 (sample) of the 18,000.00 shortfall
    case_copy = Case.objects.get(pk=case.pk)
    with pytest.raises(Refused, match="Say why the amount differs"):
        claim_and_approve(case_copy, caseworker, amount=Decimal("7500.00"))
    from subsidies.cases.workflow import case_approve

    case = case_approve(
        case=Case.objects.get(pk=case.pk),
        actor=caseworker,
        amount=Decimal("7500.00"),
        override_reason="3,000 of the costs were for managers, not employees.",
    )
    assert case.approved_amount == Decimal("7500.00")
    assert case.state == CaseState.FINAL


def test_guarantee_referral_needs_the_quality_list_and_is_tracked_clause_2(
    applicant, host, caseworker, officer, claim_and_approve
):
    case = m02_guarantee_referral.guarantee_referral_start(
        enterprise=host, answers={"purpose": "流动资金", "contact": "王芳 13900000000"}, actor=applicant
    )
    with pytest.raises(Refused, match="not on the quality-enterprise list"):
        claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)
    enterprise_quality_list_set(enterprise=host, on_list=True, actor=officer)
    case = claims.claim_submit(case=Case.objects.get(pk=case.pk), token=uuid.uuid4(), actor=applicant)
    assert case.calculation is None
    case = claim_and_approve(case, caseworker)
    referral = GuaranteeReferral.objects.get(case=case)
    assert referral.state == ReferralState.REFERRED
    referral = m02_guarantee_referral.referral_respond(
        referral=referral, accepted=True, responded_on=timezone.localdate(), note="授信50万元", actor=caseworker
    )
    assert referral.state == ReferralState.ACCEPTED
    assert sorted(e.action for e in audit_trail(referral)) == ["referral_create", "referral_respond"]
    with pytest.raises(Refused, match="already recorded"):
        m02_guarantee_referral.referral_respond(
            referral=referral, accepted=False, responded_on=timezone.localdate(), note="", actor=caseworker
        )


def test_other_county_caseworker_cannot_record_a_referral_answer(
    applicant, host, caseworker, caseworker_wusu, officer, claim_and_approve
):
    enterprise_quality_list_set(enterprise=host, on_list=True, actor=officer)
    case = m02_guarantee_referral.guarantee_referral_start(
        enterprise=host, answers={"purpose": "x", "contact": "y"}, actor=applicant
    )
    case = claim_and_approve(claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant), caseworker)
    with pytest.raises(Refused, match="another county"):
        m02_guarantee_referral.referral_respond(
            referral=case.referral, accepted=True, responded_on=timezone.localdate(), note="", actor=caseworker_wusu
        )


def test_quality_list_is_kept_by_officers_with_audit_clause_2(host, officer, caseworker):
    with pytest.raises(PermissionDenied):
        enterprise_quality_list_set(enterprise=host, on_list=True, actor=caseworker)
    enterprise_quality_list_set(enterprise=host, on_list=True, actor=officer)
    host.refresh_from_db()
    assert host.on_quality_list is True
    event = audit_trail(host).filter(action="enterprise_quality_list_set").get()
    assert event.after == {"on_quality_list": True}
