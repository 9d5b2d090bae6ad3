"""（三） 小微企业当年新招用符合创业担保贷款申请条件的人员数量达到企业目前在职职工人数25%: the share is measured
against the registry's insured staff when the enterprise declares fewer."""

from __future__ import annotations

import uuid

import pytest
from django.utils import translation

from portal.roles import Role
from registry.refusals import Refused
from subsidies.cases import claims
from subsidies.measures import m03_startup_loan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def host(officer, make_enterprise):
    return make_enterprise(officer)  # 39 insured at the end of 2018


def loan(applicant, ent, **answers):
    values = {"requested_amount": "3000000.00", "contract_years": 1, "purpose": "扩大生产", **answers}
    return m03_startup_loan.startup_loan_enterprise_start(enterprise=ent, year=2019, answers=values, actor=applicant)


def test_三_enterprise_declaring_4_staff_with_39_insured_is_measured_against_39(applicant, host) -> None:
    case = loan(applicant, host, current_staff=4, new_qualifying_hires=1)
    checks, calculation = claims.evaluate(case)
    staff = next(c for c in checks if c.code == "current_staff_registry")
    assert staff.passed is None and "39 insured at the end of 2018" in str(staff.reason)
    assert calculation["eligible"] is False  # 1 / 39, not 1 / 4
    with pytest.raises(Refused, match=r"0\.0256 of current staff; 0\.25 is required"):
        claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)


def test_三_enterprise_hiring_a_quarter_of_its_insured_staff_qualifies(applicant, host) -> None:
    case = loan(applicant, host, current_staff=39, new_qualifying_hires=10)
    case = claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.calculation["eligible"] is True and case.calculated_amount == 3000000
    staff = next(c for c in claims.evaluate(case)[0] if c.code == "current_staff_registry")
    assert staff.passed is True


def test_三_enterprise_with_more_staff_now_than_last_year_uses_its_declared_staff(applicant, host) -> None:
    case = loan(applicant, host, current_staff=48, new_qualifying_hires=11)  # 11 / 48 < 0.25, 11 / 39 would pass
    assert claims.evaluate(case)[1]["eligible"] is False
