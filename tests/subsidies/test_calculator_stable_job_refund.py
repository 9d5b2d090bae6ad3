"""（一） Stable-job refund: the clause's boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from subsidies.calculators import InputErrors

pytestmark = pytest.mark.django_db


def test_refund_is_half_of_last_years_premiums(refund):
    result = refund(ui_premiums_paid_last_year="12345.66")
    assert result["eligible"] is True
    assert result["amount"] == "6172.83"
    assert "塔行发〔2019〕16号（一）" in result["citations"]
    assert {p["key"] for p in result["parameters"]} >= {"stable_job_refund.ratio", "unemployment_rate.registered_urban"}
    assert all(p["valid_from"] == "2019-01-01" for p in result["parameters"])


def test_half_a_cent_is_rounded_half_up(refund):
    assert refund(ui_premiums_paid_last_year="0.01")["amount"] == "0.01"
    assert refund(ui_premiums_paid_last_year="100.05")["amount"] == "50.03"


def test_twelve_months_paid_in_full_qualifies(refund):
    assert refund(ui_months_paid_in_full=12)["eligible"] is True


def test_eleven_months_paid_in_full_does_not_qualify_and_says_how_many_are_needed(refund):
    result = refund(ui_months_paid_in_full=11)
    assert result["eligible"] is False
    assert result["amount"] == "0.00"
    assert result["reasons"][0]["code"] == "ui_months_short"
    assert "12" in result["reasons"][0]["fix"]


def test_layoff_rate_is_the_net_reduction_over_the_headcount_at_the_start(refund):
    result = refund(insured_at_start=1000, insured_at_end=980, retired_or_deceased=5)
    assert result["layoff_rate"] == "0.0150"
    assert result["layoffs"] == 15


def test_layoff_rate_just_below_the_unemployment_rate_qualifies(refund):
    assert refund(insured_at_start=1000, insured_at_end=963)["eligible"] is True  # 0.037 < 0.038


def test_layoff_rate_equal_to_the_unemployment_rate_does_not_qualify_because_below_is_strict(refund):
    result = refund(insured_at_start=1000, insured_at_end=962)  # 0.038 == 0.038
    assert result["eligible"] is False
    assert result["reasons"][0]["code"] == "layoff_rate_not_below"
    assert "37" in result["reasons"][0]["fix"]


def test_no_layoffs_qualifies_and_growth_is_no_layoff(refund):
    assert refund(insured_at_start=10, insured_at_end=50)["layoff_rate"] == "0.0000"
    assert refund(insured_at_start=0, insured_at_end=0)["eligible"] is True


def test_retired_or_deceased_employees_are_not_layoffs(refund):
    assert refund(insured_at_start=100, insured_at_end=90, retired_or_deceased=10)["eligible"] is True


def test_standard_track_needs_its_inputs_named(calc):
    with pytest.raises(InputErrors) as exc:
        calc("stable-job-refund", application_date="2019-05-01")
    assert {field for field, _msg in exc.value.errors} == {
        "ui_premiums_paid_last_year",
        "ui_months_paid_in_full",
        "insured_at_start",
        "insured_at_end",
    }


@pytest.fixture(scope="session")
def hardship(calc):
    def calculate(**overrides):
        data = {
            "application_date": "2019-05-01",
            "track": "hardship",
            "on_hardship_list": True,
            "insured_employees": 10,
            "monthly_social_insurance_due": "5000.00",
        }
        data.update(overrides)
        return calc("stable-job-refund", **data)

    return calculate


def test_hardship_refund_by_ui_benefit_is_six_months_of_benefit_per_insured_employee(hardship):
    result = hardship()
    assert result["method"] == "ui_benefit"
    assert result["amount"] == str(Decimal(6) * Decimal("1386.00") * 10)
    assert result["alternatives"] == [
        {"method": "ui_benefit", "amount": "83160.00"},
        {"method": "contribution", "amount": "15000.00"},
    ]


def test_hardship_refund_by_contribution_is_six_months_of_half_the_contributions(hardship):
    assert hardship(method="contribution")["amount"] == "15000.00"


def test_hardship_window_first_and_last_days_qualify(hardship):
    assert hardship(application_date="2019-01-01")["eligible"] is True
    assert hardship(application_date="2019-12-31")["eligible"] is True


def test_hardship_window_day_after_does_not_qualify(hardship):
    result = hardship(application_date="2020-01-01")
    assert result["eligible"] is False
    assert result["reasons"][0]["code"] == "outside_hardship_window"


def test_hardship_track_needs_the_published_list(hardship):
    assert hardship(on_hardship_list=False)["reasons"][0]["code"] == "not_on_hardship_list"
