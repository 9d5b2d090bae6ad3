"""（五） 见习期间 ... 对见习期未滿即与见习毕业生签订2年以上期限劳动合同并缴纳社会保险费的，可将剩余期限的见习补贴补发给
见习单位: the allowance is paid during the internship only; the remaining months go to the host only for a graduate
hired on a qualifying contract."""

from __future__ import annotations

import uuid

import pytest

from portal.roles import Role
from subsidies.cases import claims

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def host(officer, make_enterprise):
    return make_enterprise(officer)


GRADUATE = {"unemployed_graduate": True, "unemployed_youth": False}


def test_五_hire_after_4_of_6_months_on_a_1_year_contract_pays_the_intern_4_months(calc) -> None:
    result = calc(
        "internship",
        start_date="2019-07-01",
        birth_date="1996-07-01",
        months=6,
        county_code="654201",
        host_monthly_pay="1000",
        hired_after_months=4,
        hire_qualifies=False,
        **GRADUATE,
    )
    assert result["to_intern"] == "6480.00"  # 4 x 1,620.00, not 9,720.00
    assert result["to_host"] == "0.00"
    assert result["amount"] == "6480.00"


def test_五_hire_after_1_of_12_months_on_a_1_year_contract_pays_the_intern_1_month(calc) -> None:
    result = calc(
        "internship",
        start_date="2019-07-01",
        birth_date="1996-07-01",
        months=12,
        county_code="654201",
        host_monthly_pay="1000",
        hired_after_months=1,
        hire_qualifies=False,
        **GRADUATE,
    )
    assert result["to_intern"] == "1620.00"  # not 19,440.00
    assert result["amount"] == "1620.00"


def test_五_youth_hired_early_on_a_2_year_contract_pays_the_host_nothing(
    applicant, host, caseworker, approve_internship_base, make_intern_claim
) -> None:
    approve_internship_base(applicant, host, caseworker)
    case = make_intern_claim(
        applicant, host, category="youth", hired_after_months=4, contract_years=2, social_insurance=True
    )
    case = claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.calculation["to_intern"] == "6480.00"
    assert case.calculation["to_host"] == "0.00"  # the transfer is for 见习毕业生 only
    early = next(check for check in claims.evaluate(case)[0] if check.code == "early_hire")
    assert "见习毕业生" in str(early.reason)


def test_五_graduate_hired_early_on_a_1_year_contract_is_paid_until_the_hire(
    applicant, host, caseworker, approve_internship_base, make_intern_claim
) -> None:
    approve_internship_base(applicant, host, caseworker)
    case = make_intern_claim(
        applicant, host, category="graduate", hired_after_months=4, contract_years=1, social_insurance=True
    )
    case = claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.calculation["to_intern"] == "6480.00"
    assert case.calculation["to_host"] == "0.00"
    assert case.calculated_amount == 6480
