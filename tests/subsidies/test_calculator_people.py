"""（五） internship, （七） training, （八） skill upgrade, （十） UI benefit: the clauses' boundaries."""

from __future__ import annotations

import pytest

from subsidies.calculators import InputErrors

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def intern(calc):
    def calculate(**overrides):
        data = {
            "start_date": "2019-07-01",
            "birth_date": "2000-07-01",
            "unemployed_graduate": False,
            "unemployed_youth": True,
            "months": 6,
            "county_code": "654201",
            "host_monthly_pay": "1000",
        }
        data.update(overrides)
        return calc("internship", **data)

    return calculate


def test_internship_allowance_is_the_local_minimum_wage_per_month(county, intern):
    tier = county("654201").wage_tier
    wage = {1: "1820.00", 2: "1620.00", 3: "1540.00", 4: "1460.00"}[tier]
    result = intern()
    assert result["monthly_allowance"] == wage
    assert result["to_intern"] == f"{float(wage) * 6:.2f}"
    assert result["to_host"] == "0.00"
    assert result["amount"] == result["to_intern"]


def test_internship_youth_aged_16_on_the_start_date_qualifies(intern):
    assert intern(birth_date="2003-07-01")["eligible"] is True


def test_internship_youth_a_day_short_of_16_does_not_qualify(intern):
    assert intern(birth_date="2003-07-02")["reasons"][0]["code"] == "not_in_target_group"


def test_internship_youth_aged_24_qualifies_and_25_does_not(intern):
    assert intern(birth_date="1994-07-02")["eligible"] is True  # 24 on 2019-07-01
    assert intern(birth_date="1994-07-01")["eligible"] is False  # 25 that day


def test_internship_unemployed_graduates_qualify_at_any_age(intern):
    assert intern(birth_date="1980-01-01", unemployed_graduate=True, unemployed_youth=False)["eligible"] is True


def test_internship_of_3_and_12_months_qualifies_and_2_or_13_does_not(intern):
    assert intern(months=3)["eligible"] and intern(months=12)["eligible"]
    assert intern(months=2)["reasons"][0]["code"] == "months_out_of_range"
    assert intern(months=13)["reasons"][0]["code"] == "months_out_of_range"


def test_internship_host_must_pay_at_least_half_the_minimum_wage(intern):
    half = float(intern()["monthly_allowance"]) / 2
    assert intern(host_monthly_pay=f"{half:.2f}")["eligible"] is True
    assert intern(host_monthly_pay=f"{half - 0.01:.2f}")["reasons"][0]["code"] == "host_pay_too_low"


def test_internship_remaining_months_go_to_a_host_that_hires_before_the_end(intern):
    graduate = {"unemployed_graduate": True, "unemployed_youth": False}
    result = intern(months=6, hired_after_months=4, **graduate)
    allowance = float(result["monthly_allowance"])
    assert result["to_intern"] == f"{allowance * 4:.2f}"
    assert result["to_host"] == f"{allowance * 2:.2f}"
    assert intern(months=6, hired_after_months=6, **graduate)["to_host"] == "0.00"


def test_internship_unknown_county_is_an_input_error(intern):
    with pytest.raises(InputErrors) as exc:
        intern(county_code="654299")
    assert exc.value.errors[0][0] == "county_code"


def test_training_subsidy_is_capped_at_1800_for_those_who_pass(calc):
    base = {
        "application_date": "2019-05-01",
        "training_type": "employment_skills",
        "hours": 80,
        "passed": True,
        "registered_unemployed": True,
    }
    assert calc("training-subsidy", cost="1800.00", **base)["amount"] == "1800.00"
    assert calc("training-subsidy", cost="1800.01", **base)["amount"] == "1800.00"
    assert calc("training-subsidy", cost="999.99", **base)["amount"] == "999.99"
    assert calc("training-subsidy", cost="999", **{**base, "passed": False})["reasons"][0]["code"] == "not_passed"


@pytest.fixture(scope="session")
def allowance(calc):
    def calculate(**overrides):
        data = {
            "training_start": "2019-06-01",
            "training_days": 20,
            "registered_unemployed": True,
            "categories": ["low_income_family"],
            "receiving_ui_benefit": False,
            "received_this_year": False,
        }
        data.update(overrides)
        return calc("training-living-allowance", **data)

    return calculate


def test_living_allowance_is_50_a_day_for_at_most_30_days(allowance):
    assert allowance(training_days=20)["amount"] == "1000.00"
    assert allowance(training_days=30)["amount"] == "1500.00"
    assert allowance(training_days=31)["amount"] == "1500.00"


def test_living_allowance_window_first_and_last_days_qualify(allowance):
    assert allowance(training_start="2019-01-01")["eligible"] is True
    last = allowance(training_start="2020-12-31", training_days=10)
    assert last["eligible"] is True
    assert last["amount"] == "50.00"  # only the day inside the window


def test_living_allowance_day_before_and_after_the_window_do_not_qualify(allowance):
    assert allowance(training_start="2021-01-01")["reasons"][0]["code"] == "outside_window"


def test_living_allowance_needs_an_employment_difficult_category_or_zero_employment_family(allowance):
    assert allowance(categories=[])["reasons"][0]["code"] == "not_employment_difficult"
    assert allowance(categories=["zero_employment_family"])["eligible"] is True


def test_living_allowance_not_with_ui_benefit_and_once_a_year(allowance):
    assert allowance(receiving_ui_benefit=True)["reasons"][0]["code"] == "receiving_ui_benefit"
    assert allowance(received_this_year=True)["reasons"][0]["code"] == "already_received"
    assert allowance(registered_unemployed=False)["reasons"][0]["code"] == "not_registered_unemployed"


@pytest.fixture(scope="session")
def skill(calc):
    def calculate(**overrides):
        data = {
            "application_date": "2019-05-01",
            "certificate_level": "junior",
            "certificate_date": "2019-04-01",
            "insured_months": 12,
            "claimed_same_occupation_level": False,
        }
        data.update(overrides)
        return calc("skill-upgrade", **data)

    return calculate


def test_skill_upgrade_amounts_by_level(skill):
    assert skill()["amount"] == "1000.00"
    assert skill(certificate_level="intermediate")["amount"] == "1500.00"
    assert skill(certificate_level="senior")["amount"] == "2000.00"
    assert "人社部发〔2017〕40号" in skill()["citations"]


def test_skill_upgrade_12_insured_months_qualify_in_the_relaxed_window_and_11_do_not(skill):
    assert skill(insured_months=12)["eligible"] is True
    assert skill(insured_months=11)["reasons"][0]["code"] == "insured_months_short"


def test_skill_upgrade_relaxed_window_last_day_and_the_day_after(skill):
    assert skill(application_date="2020-12-31", insured_months=12)["eligible"] is True
    assert skill(application_date="2021-01-01", insured_months=12)["eligible"] is False
    assert skill(application_date="2021-01-01", insured_months=36)["eligible"] is True


def test_skill_upgrade_once_per_occupation_and_level(skill):
    assert skill(claimed_same_occupation_level=True)["reasons"][0]["code"] == "already_claimed"


@pytest.fixture(scope="session")
def benefit(calc):
    def calculate(**overrides):
        data = {"registration_date": "2019-03-15", "contribution_years": "3"}
        data.update(overrides)
        return calc("ui-benefit", **data)

    return calculate


def test_ui_benefit_months_by_contribution_years_at_each_boundary(benefit):
    assert benefit(contribution_years="0.99")["eligible"] is False
    assert benefit(contribution_years="1")["months_entitled"] == 12
    assert benefit(contribution_years="4.99")["months_entitled"] == 12
    assert benefit(contribution_years="5")["months_entitled"] == 18
    assert benefit(contribution_years="9.99")["months_entitled"] == 18
    assert benefit(contribution_years="10")["months_entitled"] == 24


def test_ui_benefit_stops_from_the_month_after_reemployment(benefit):
    result = benefit(reemployment_date="2019-05-31")
    assert result["months_paid"] == 3  # March, April, May
    assert result["last_paid_month"] == "2019-05"
    assert result["amount"] == "4158.00"
    assert result["medical_insurance_months"] == 3


def test_ui_benefit_without_reemployment_pays_the_whole_entitlement(benefit):
    result = benefit()
    assert result["months_paid"] == 12
    assert result["last_paid_month"] == "2020-02"


def test_ui_benefit_reemployment_after_the_entitlement_is_capped(benefit):
    assert benefit(reemployment_date="2021-01-01")["months_paid"] == 12
