"""Dated parameters (issue 4, point 1): seeded from POLICY.md, never edited in place, read by date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from registry.models import AuditEvent
from registry.refusals import Refused
from subsidies.models import Parameter
from subsidies.parameters import (
    COUNTY_CODES,
    DEFINITIONS,
    ParameterNotInForce,
    parameter_snapshot,
    value_in_force,
)
from subsidies.services import parameter_add

pytestmark = pytest.mark.django_db

SAMPLES = {
    "unemployment_rate.registered_urban",
    "hardship.method",
    "ui_benefit.monthly_amount",
    "minimum_wage.tier_1",
    "minimum_wage.tier_2",
    "minimum_wage.tier_3",
    "minimum_wage.tier_4",
    "startup_loan.interest_rate_cap",
    "public_notice.working_days",
    "registration.min_age",
    "registration.max_age_men",
    "registration.max_age_women",
    "service.decision_working_days",
    "layoff_warning.grades",
    # Clause （十二）, early warning of rising registrations (migration 0009): samples, not in POLICY.md's table.
    "registration_warning.rise",
    "registration_warning.trailing_months",
    "parameter_change.confirmation_threshold_yuan",
    "parameter_change.confirmation_threshold_eligibility",
    # Clause （十四）, four-eyes on approved amounts (migration 0014): samples.
    "amount_override.margin_yuan",
    "amount_ceiling.stable_job_refund",
    "amount_ceiling.training_subsidy",
    "amount_ceiling.living_allowance",
    "amount_ceiling.skill_upgrade",
    "amount_ceiling.internship",
    "amount_ceiling.startup_loan",
    "amount_ceiling.in_job_training",
    # Issue 15 (migration 0016): （十） per-county benefit and medical premium, （六） ceiling, （一） fund capacity.
    *(f"ui_benefit.monthly_amount.{code}" for code in COUNTY_CODES),
    *(f"ui_benefit.medical_premium.{code}" for code in COUNTY_CODES),
    "in_job_training.support_share_cap",
    "ui_fund.months_payable",
    # 好差评 (migration 0022): the working days to follow a bad rating up.
    "rating.follow_up_working_days",
    # 告知承诺制 (migration 0021): the post-check sample rate, the ban after a false commitment, the check deadline.
    "commitment.sample_rate",
    "commitment.ban_months",
    "commitment.check_working_days",
}


def test_it_seeds_every_defined_parameter_with_the_policy_tables_values():
    keys = set(Parameter.objects.values_list("key", flat=True))
    assert keys == set(DEFINITIONS)
    day = date(2019, 6, 1)
    assert value_in_force("stable_job_refund.ratio", on=day) == Decimal("0.50")
    assert value_in_force("unemployment_rate.registered_urban", on=day) == Decimal("0.038")
    assert value_in_force("minimum_wage.tier_1", on=day) == Decimal("1820.00")
    assert value_in_force("startup_loan.cap_enterprise", on=day) == Decimal("3000000.00")
    assert value_in_force("hardship.window", on=day) == (date(2019, 1, 1), date(2019, 12, 31))
    assert value_in_force("layoff_warning.grades", on=day) == [Decimal("0.10"), Decimal("0.20"), Decimal("0.30")]
    assert value_in_force("hardship.method", on=day) == "ui_benefit"


def test_it_marks_the_samples_of_the_policy_table():
    assert set(Parameter.objects.filter(is_sample=True).values_list("key", flat=True)) == SAMPLES


def test_it_raises_a_clear_error_when_no_value_is_in_force():
    with pytest.raises(ParameterNotInForce, match=r"stable_job_refund.ratio.*2018-12-31"):
        value_in_force("stable_job_refund.ratio", on=date(2018, 12, 31))


def test_it_adds_a_new_dated_value_that_closes_the_previous_one_and_is_audited(officer):
    new = parameter_add(
        key="ui_benefit.monthly_amount",
        value="1500",
        valid_from=date(2020, 1, 1),
        source="新人社发〔2019〕99号",
        note="raised",
        actor=officer,
    )
    old = Parameter.objects.get(key="ui_benefit.monthly_amount", valid_from=date(2019, 1, 1))
    assert old.valid_to == date(2019, 12, 31)
    assert old.value == "1386.00"
    assert value_in_force("ui_benefit.monthly_amount", on=date(2019, 12, 31)) == Decimal("1386.00")
    assert value_in_force("ui_benefit.monthly_amount", on=date(2020, 1, 1)) == Decimal("1500")
    event = AuditEvent.objects.get(action="parameter.add", target_id=str(new.pk))
    assert event.actor == officer
    assert event.after["value"] == "1500"


def test_it_refuses_a_value_dated_on_or_before_the_latest_start(officer):
    with pytest.raises(Refused, match="历史记录不可改写"):
        parameter_add(
            key="ui_benefit.monthly_amount", value="1500", valid_from=date(2019, 1, 1), source="x", actor=officer
        )
    assert Parameter.objects.filter(key="ui_benefit.monthly_amount").count() == 1


def test_it_refuses_a_value_of_the_wrong_type(officer):
    with pytest.raises(Refused) as exc:
        parameter_add(
            key="stable_job_refund.ratio", value="1.5", valid_from=date(2021, 1, 1), source="x", actor=officer
        )
    assert exc.value.field == "value"
    with pytest.raises(Refused):
        parameter_add(key="hardship.method", value="cash", valid_from=date(2021, 1, 1), source="x", actor=officer)


def test_the_database_refuses_a_value_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        Parameter.objects.create(key="x", value="1", valid_from=date(2020, 1, 2), valid_to=date(2020, 1, 1), source="x")


def test_a_snapshot_reads_all_parameters_with_one_query(django_assert_num_queries):
    with django_assert_num_queries(1), parameter_snapshot():
        value_in_force("stable_job_refund.ratio", on=date(2019, 6, 1))
        value_in_force("training_subsidy.cap", on=date(2019, 6, 1))
