"""（十） 由失业保险基金发放失业保险金，其个人应缴纳的基本医疗保险费从失业保险基金中列支: the monthly benefit and the
medical premium are dated parameters per county, and the premium the fund pays is shown."""

from __future__ import annotations

from datetime import date

import pytest

from subsidies.calculators import POLICIES, run
from subsidies.calculators.base import InputErrors
from subsidies.services import parameter_add

pytestmark = pytest.mark.django_db


def benefit(calc, **overrides):
    data = {"registration_date": "2019-03-15", "contribution_years": "3", **overrides}
    return calc("ui-benefit", **data)


def test_十_benefit_is_the_countys_amount_below_its_minimum_wage(calc) -> None:
    tacheng = benefit(calc, county_code="654201")  # tier 2, minimum wage 1,620.00
    toli = benefit(calc, county_code="654224")  # tier 4, minimum wage 1,460.00
    assert tacheng["monthly_amount"] == "1458.00" and tacheng["amount"] == "17496.00"  # 12 x 1,458.00
    assert toli["monthly_amount"] == "1314.00"
    assert any(line["parameter"] == "ui_benefit.monthly_amount.654224" for line in toli["breakdown"])


def test_十_medical_premium_paid_by_the_fund_for_the_same_months(calc) -> None:
    result = benefit(calc, county_code="654201", reemployment_date="2019-07-02")  # March..July: 5 months
    assert result["months_paid"] == 5 and result["medical_insurance_months"] == 5
    assert result["medical_premium_monthly"] == "150.00"
    assert result["medical_premiums_paid_by_fund"] == "750.00"
    assert result["amount"] == "7290.00"  # the benefit alone: the premium is not paid to the person


def test_十_a_countys_new_amount_applies_from_its_date(calc, officer) -> None:
    parameter_add(
        key="ui_benefit.monthly_amount.654201",
        value="1500.00",
        valid_from=date(2020, 1, 1),
        source="塔城市人社局2020年失业保险金标准",
        actor=officer,
    )
    assert benefit(calc, county_code="654201", registration_date="2019-12-31")["monthly_amount"] == "1458.00"
    assert benefit(calc, county_code="654201", registration_date="2020-01-01")["monthly_amount"] == "1500.00"
    assert benefit(calc, county_code="654202", registration_date="2020-01-01")["monthly_amount"] == "1458.00"


def test_十_a_code_of_no_county_of_the_prefecture_is_an_input_error_next_to_the_field() -> None:
    """（十） The benefit is a parameter per county: a well-formed code of no county (654200, 654283) is refused
    with a message on `county_code`, never a server error (the API's schemathesis run found it)."""
    with pytest.raises(InputErrors) as refused:
        run(
            POLICIES["ui-benefit"],
            {"registration_date": "2026-03-02", "contribution_years": 6, "county_code": "654283"},
        )
    assert [field for field, _message in refused.value.errors] == ["county_code"]
