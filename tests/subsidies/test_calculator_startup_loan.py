"""（三） Guaranteed start-up loans and the loan reward."""

from __future__ import annotations

import pytest

from subsidies.calculators import InputErrors

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def loan(calc):
    def calculate(**overrides):
        data = {
            "application_date": "2019-05-01",
            "applicant": "enterprise",
            "requested_amount": "1000000",
            "annual_interest_rate": "0.0435",
            "current_staff": 20,
            "new_qualifying_hires": 5,
            "contract_years": 1,
        }
        data.update(overrides)
        return calc("startup-loan", **data)

    return calculate


def test_individual_loan_is_capped_at_150000(loan):
    result = loan(applicant="individual", requested_amount="200000")
    assert result["amount"] == "150000.00"
    assert "hiring_ratio" not in result


def test_enterprise_loan_is_capped_at_3000000(loan):
    assert loan(requested_amount="3000000.01")["amount"] == "3000000.00"
    assert loan(requested_amount="2999999.99")["amount"] == "2999999.99"


def test_hiring_ratio_of_exactly_25_percent_qualifies(loan):
    result = loan(current_staff=20, new_qualifying_hires=5)
    assert result["eligible"] is True
    assert result["hiring_ratio"] == "0.2500"


def test_hiring_ratio_just_below_25_percent_does_not_qualify_and_says_how_many_to_hire(loan):
    result = loan(current_staff=100, new_qualifying_hires=24)
    assert result["eligible"] is False
    assert result["reasons"][0]["code"] == "hiring_ratio_short"
    assert "25" in result["reasons"][0]["fix"]


def test_hiring_ratio_of_15_percent_qualifies_when_staff_exceed_100(loan):
    assert loan(current_staff=101, new_qualifying_hires=16)["eligible"] is True  # 0.158
    assert loan(current_staff=101, new_qualifying_hires=15)["eligible"] is False  # 0.1485


def test_staff_of_exactly_100_still_need_25_percent(loan):
    assert loan(current_staff=100, new_qualifying_hires=15)["eligible"] is False


def test_contracts_shorter_than_one_year_do_not_qualify(loan):
    assert loan(contract_years=0)["reasons"][0]["code"] == "contract_too_short"


def test_interest_is_subsidised_in_full_in_years_1_and_2_and_not_in_year_3(loan):
    result = loan(requested_amount="100000", annual_interest_rate="0.0435")
    assert result["interest_subsidy"] == [
        {"year": 1, "amount": "4350.00"},
        {"year": 2, "amount": "4350.00"},
        {"year": 3, "amount": "0.00"},
    ]
    assert result["interest_subsidy_total"] == "8700.00"


def test_interest_subsidy_uses_the_capped_rate(loan):
    result = loan(requested_amount="100000", annual_interest_rate="0.08")
    assert result["interest_subsidy"][0]["amount"] == "6350.00"


def test_enterprise_needs_its_hiring_inputs(calc):
    with pytest.raises(InputErrors) as exc:
        calc(
            "startup-loan",
            application_date="2019-05-01",
            applicant="enterprise",
            requested_amount="1",
            annual_interest_rate="0.04",
        )
    assert {f for f, _m in exc.value.errors} == {"current_staff", "new_qualifying_hires", "contract_years"}


def test_loan_reward_is_one_percent_of_the_countys_new_loans(calc):
    result = calc("loan-reward", application_date="2019-12-31", county_new_loans_total="12345678.50")
    assert result["amount"] == "123456.79"
    assert result["citations"] == ["塔行发〔2019〕16号（三）"]
