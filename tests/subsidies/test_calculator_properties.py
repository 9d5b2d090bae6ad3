"""Properties of every calculator (hypothesis): never negative, never above caps, Decimal-exact, monotonic."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subsidies.services import parameter_add

pytestmark = pytest.mark.django_db

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
money = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False)
days_2019_2021 = st.dates(min_value=date(2019, 1, 1), max_value=date(2021, 12, 31))


def _exact(amount: str) -> Decimal:
    value = Decimal(amount)
    assert value.as_tuple().exponent == -2
    return value


@SETTINGS
@given(premiums=money, more=money, start=st.integers(0, 5000), end=st.integers(0, 5000))
def test_more_premiums_never_lower_a_refund_and_it_is_never_above_half(premiums, more, start, end, refund):
    low = refund(ui_premiums_paid_last_year=str(premiums), insured_at_start=start, insured_at_end=end)
    high = refund(ui_premiums_paid_last_year=str(premiums + more), insured_at_start=start, insured_at_end=end)
    assert Decimal(0) <= _exact(low["amount"]) <= _exact(high["amount"])
    assert _exact(high["amount"]) <= ((premiums + more) / 2).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@SETTINGS
@given(
    requested=money,
    rate=st.decimals(min_value=0, max_value=1, places=4),
    staff=st.integers(1, 1000),
    hires=st.integers(0, 1000),
    applicant=st.sampled_from(["individual", "enterprise"]),
)
def test_a_loan_is_never_negative_nor_above_its_cap(requested, rate, staff, hires, applicant, calc):
    result = calc(
        "startup-loan",
        application_date="2019-06-01",
        applicant=applicant,
        requested_amount=str(requested),
        annual_interest_rate=str(rate),
        current_staff=staff,
        new_qualifying_hires=hires,
        contract_years=1,
    )
    cap = Decimal("150000") if applicant == "individual" else Decimal("3000000")
    assert Decimal(0) <= _exact(result["amount"]) <= cap
    for year in result["interest_subsidy"]:
        assert Decimal(0) <= _exact(year["amount"]) <= _exact(result["amount"]) * Decimal("0.0635") + Decimal("0.01")


@SETTINGS
@given(cost=money, hours=st.integers(0, 500), passed=st.booleans())
def test_a_training_subsidy_is_never_above_1800(cost, hours, passed, calc):
    result = calc(
        "training-subsidy",
        application_date="2019-06-01",
        training_type="entrepreneurship",
        hours=hours,
        cost=str(cost),
        passed=passed,
        registered_unemployed=True,
    )
    assert Decimal(0) <= _exact(result["amount"]) <= Decimal("1800")


@SETTINGS
@given(start=days_2019_2021, days=st.integers(1, 400))
def test_a_living_allowance_is_never_above_30_days_and_grows_with_days(start, days, calc):
    base = {"training_start": start.isoformat(), "registered_unemployed": True, "categories": ["disabled"]}
    shorter = calc("training-living-allowance", training_days=days, **base)
    longer = calc("training-living-allowance", training_days=days + 1, **base)
    assert Decimal(0) <= _exact(shorter["amount"]) <= _exact(longer["amount"]) <= Decimal("1500")


@SETTINGS
@given(registered=days_2019_2021, years=st.decimals(min_value=0, max_value=40, places=2), later=st.integers(0, 1000))
def test_ui_benefit_never_exceeds_24_months_and_more_years_never_give_fewer_months(registered, years, later, calc):
    reemployed = (registered + timedelta(days=later)).isoformat()
    result = calc(
        "ui-benefit",
        registration_date=registered.isoformat(),
        contribution_years=str(years),
        reemployment_date=reemployed,
    )
    more = calc("ui-benefit", registration_date=registered.isoformat(), contribution_years=str(years + 1))
    assert 0 <= result["months_paid"] <= result["months_entitled"] <= 24
    assert more["months_entitled"] >= result["months_entitled"]
    assert _exact(result["amount"]) == Decimal("1386.00") * result["months_paid"]


def test_a_parameter_change_dated_later_does_not_change_a_result_dated_earlier(officer, refund):
    before = refund(application_date="2019-06-01", ui_premiums_paid_last_year="10000")
    parameter_add(
        key="stable_job_refund.ratio", value="0.60", valid_from=date(2020, 1, 1), source="新文件", actor=officer
    )
    parameter_add(
        key="unemployment_rate.registered_urban",
        value="0.01",
        valid_from=date(2020, 1, 1),
        source="新文件",
        actor=officer,
    )
    after = refund(application_date="2019-06-01", ui_premiums_paid_last_year="10000")
    # Everything but the closing date of the values used is the same: amount, reasons, the values and their starts.
    for result in (before, after):
        for used in result["parameters"]:
            used.pop("valid_to")
    assert after == before
    later = refund(application_date="2020-01-01", ui_premiums_paid_last_year="10000")
    assert later["amount"] == "6000.00"
    assert {p["key"]: p["valid_from"] for p in later["parameters"]}["stable_job_refund.ratio"] == "2020-01-01"
