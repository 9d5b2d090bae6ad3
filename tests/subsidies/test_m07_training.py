"""（七） 对培训合格的失业人员……给予职业培训补贴; 2019-01-01..2020-12-31 登记失业的低保家庭人员、残疾人、
去产能企业职工等就业困难人员和零就业家庭人员，在培训期间，再给予每人每天 50 元的生活费补贴."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from registry.models import Person
from registry.refusals import Refused
from subsidies.cases.claims import claim_checks
from subsidies.measures.m07_training import training_claim_submit

pytestmark = pytest.mark.django_db

BANK = "6228480012345678901"


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def submit_training(training_data):
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


def test_七_training_subsidy_without_an_unemployment_registration_is_refused(make_resident, submit_training) -> None:
    user, person = make_resident(registered_on=None)
    with pytest.raises(Refused) as refused:
        submit_training(person, user, living_allowance=False)
    assert refused.value.field == "training_start"
    assert "unemployed people" in str(refused.value)
    assert not person.cases.exists()


def test_七_training_subsidy_registered_the_day_after_the_course_starts_is_refused(
    make_resident, submit_training
) -> None:
    user, person = make_resident(registered_on=date(2020, 5, 2))
    with pytest.raises(Refused):
        submit_training(person, user, living_allowance=False)


def test_七_training_subsidy_registered_on_the_courses_first_day_is_paid(make_resident, submit_training) -> None:
    user, person = make_resident(registered_on=date(2020, 5, 1))
    (subsidy,) = submit_training(person, user, living_allowance=False)
    assert subsidy.calculated_amount == Decimal("1600.00")
    assert subsidy.calculation["eligible"] is True
    unemployed = next(c for c in claim_checks(subsidy) if c.code == "registered_unemployed")
    assert unemployed.passed


def test_七_training_subsidy_calculator_refuses_someone_not_unemployed(calc) -> None:
    result = calc(
        "training-subsidy",
        application_date="2019-05-01",
        training_type="employment_skills",
        hours=80,
        cost="1600.00",
        passed=True,
        registered_unemployed=False,
    )
    assert result["eligible"] is False
    assert [r["code"] for r in result["reasons"]] == ["not_unemployed"]


def test_七_allowance_course_starting_before_window_pays_days_inside(make_resident, submit_training) -> None:
    user, person = make_resident(registered_on=date(2018, 12, 1))
    _subsidy, allowance = submit_training(
        person, user, training_start=date(2018, 12, 20), training_end=date(2019, 1, 10)
    )
    assert allowance.calculated_amount == Decimal("500.00")  # 2019-01-01..2019-01-10: 10 days x 50
    assert allowance.year == 2019  # once a year: the year of the days paid
    window = next(c for c in claim_checks(allowance) if c.code == "window")
    assert window.passed and "10 of the training days" in window.reason


def test_七_allowance_course_ending_after_window_pays_days_inside(make_resident, submit_training) -> None:
    user, person = make_resident(registered_on=date(2020, 12, 1))
    _subsidy, allowance = submit_training(
        person, user, training_start=date(2020, 12, 25), training_end=date(2021, 1, 5)
    )
    assert allowance.calculated_amount == Decimal("350.00")  # 2020-12-25..2020-12-31: 7 days x 50


def test_七_allowance_both_ends_alike_in_the_calculator(calc) -> None:
    base = {"registered_unemployed": True, "categories": ["disabled"]}
    before = calc("training-living-allowance", training_start="2018-12-20", training_days=22, **base)
    after = calc("training-living-allowance", training_start="2020-12-22", training_days=22, **base)
    assert before["eligible"] and after["eligible"]
    assert before["amount"] == after["amount"] == "500.00"
    outside = calc("training-living-allowance", training_start="2021-01-01", training_days=10, **base)
    assert outside["reasons"][0]["code"] == "outside_window"  # no day inside


@pytest.mark.parametrize("flag", ["de_capacity_worker", "low_income_family"])
def test_七_allowance_de_capacity_worker_and_dibao_family_member_qualify(flag, make_resident, submit_training) -> None:
    user, person = make_resident(recognised=False)
    Person.objects.filter(pk=person.pk).update(**{flag: True})
    person.refresh_from_db()
    _subsidy, allowance = submit_training(person, user)
    assert allowance.calculated_amount == Decimal("1000.00")
    difficult = next(c for c in claim_checks(allowance) if c.code == "employment_difficult")
    assert difficult.passed


def test_七_allowance_without_any_category_is_refused(make_resident, submit_training) -> None:
    user, person = make_resident(recognised=False)
    with pytest.raises(Refused) as refused:
        submit_training(person, user)
    assert refused.value.field == "living_allowance"


@pytest.mark.parametrize("last_day_field", ["ended_on", "valid_until"])
def test_七_allowance_recognition_on_its_last_day_still_counts(last_day_field, make_resident, submit_training) -> None:
    """（九） via registry.services.recognition_in_force: a recognition holds through its last day, for claims too."""
    user, person = make_resident()
    person.difficulty_recognitions.update(**{last_day_field: date(2020, 5, 1)})  # the first training day
    _subsidy, allowance = submit_training(person, user)
    difficult = next(c for c in claim_checks(allowance) if c.code == "employment_difficult")
    assert difficult.passed and allowance.calculated_amount == Decimal("1000.00")


def test_七_allowance_recognition_ended_the_day_before_the_course_does_not_count(
    make_resident, submit_training
) -> None:
    user, person = make_resident()
    person.difficulty_recognitions.update(ended_on=date(2020, 4, 30))
    with pytest.raises(Refused) as refused:
        submit_training(person, user)
    assert "employment-difficult" in str(refused.value)
