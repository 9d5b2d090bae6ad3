"""Guaranteed start-up loans after certification （三）: the schedule after a recorded loan, payments, the reward."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from portal.roles import Role
from registry.audit import audit_trail
from registry.models import County
from registry.refusals import Refused
from subsidies.cases import claims
from subsidies.measures import m03_startup_loan
from subsidies.measures.m03_startup_loan import interest_payment_record, loan_record, loan_reward, loan_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def certified(make_user, officer, caseworker, claim_and_approve, make_enterprise):  # type: ignore[no-untyped-def]
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    ent = make_enterprise(officer)
    case = m03_startup_loan.startup_loan_enterprise_start(
        enterprise=ent,
        year=2019,
        answers={
            "requested_amount": "1000000.00",
            "current_staff": 40,
            "new_qualifying_hires": 10,
            "contract_years": 2,
        },
        actor=applicant,
    )
    return claim_and_approve(claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant), caseworker)


def _loan(case, officer, **kw):  # type: ignore[no-untyped-def]
    values = {
        "lender": "中国农业银行塔城分行",
        "amount": Decimal("1000000.00"),
        "granted_on": date(2019, 6, 1),
        "annual_rate": Decimal("0.0435"),
        "term_months": 36,
    }
    values.update(kw)
    return loan_record(case=case, actor=officer, **values)


def test_start_up_loan_schedule_after_a_recorded_loan_clause_3(certified, officer):
    loan = _loan(certified, officer)
    schedule = loan_schedule(loan)
    # Years 1 and 2 in full at the contract rate (below the 6.35% cap), year 3 none (guarantee only).
    assert [(y.year, y.subsidy) for y in schedule] == [
        (1, Decimal("43500.00")),
        (2, Decimal("43500.00")),
        (3, Decimal("0.00")),
    ]
    assert (schedule[0].starts_on, schedule[0].ends_on) == (date(2019, 6, 1), date(2020, 5, 31))
    assert audit_trail(loan).get().action == "loan_record"


def test_subsidised_rate_is_capped_clause_3(certified, officer):
    loan = _loan(certified, officer, annual_rate=Decimal("0.08"))
    assert loan_schedule(loan)[0].subsidy == Decimal("63500.00")


def test_loan_above_the_certified_amount_is_refused(certified, officer):
    with pytest.raises(Refused, match=r"above the 1000000\.00 yuan certified"):
        _loan(certified, officer, amount=Decimal("1000000.01"))


def test_only_officers_record_loans(certified, caseworker):
    with pytest.raises(Refused, match="Only prefecture officers"):
        _loan(certified, caseworker)


def test_payments_are_recorded_within_the_subsidised_years_clause_3(certified, officer):
    loan = _loan(certified, officer)
    interest_payment_record(
        loan=loan,
        loan_year=1,
        period_from=date(2019, 6, 1),
        period_to=date(2019, 11, 30),
        amount=Decimal("21750.00"),
        paid_on=date(2019, 12, 5),
        actor=officer,
    )
    assert loan_schedule(loan)[0].open == Decimal("21750.00")
    with pytest.raises(Refused, match=r"more than the 21750\.00 yuan still open"):
        interest_payment_record(
            loan=loan,
            loan_year=1,
            period_from=date(2019, 12, 1),
            period_to=date(2020, 5, 31),
            amount=Decimal("21750.01"),
            paid_on=date(2020, 6, 5),
            actor=officer,
        )
    with pytest.raises(Refused, match="Year 3 of the loan is not subsidised"):
        interest_payment_record(
            loan=loan,
            loan_year=3,
            period_from=date(2021, 6, 1),
            period_to=date(2021, 12, 31),
            amount=Decimal("100.00"),
            paid_on=date(2022, 1, 5),
            actor=officer,
        )
    with pytest.raises(Refused, match="must lie within it"):
        interest_payment_record(
            loan=loan,
            loan_year=2,
            period_from=date(2019, 12, 1),
            period_to=date(2020, 8, 31),
            amount=Decimal("100.00"),
            paid_on=date(2020, 9, 5),
            actor=officer,
        )
    assert [e.action for e in audit_trail(loan)].count("interest_payment_record") == 1


def test_reward_is_one_percent_of_the_countys_new_loans_of_the_year_clause_3(certified, officer):
    _loan(certified, officer, amount=Decimal("987654.32"))
    tacheng = County.objects.get(code="654201")
    reward = loan_reward(county=tacheng, year=2019)
    assert reward["total"] == Decimal("987654.32")
    assert reward["result"]["amount"] == "9876.54"
    assert loan_reward(county=tacheng, year=2020)["result"]["eligible"] is False
    assert loan_reward(county=County.objects.get(code="654202"), year=2019)["total"] == Decimal("0.00")
