"""The plan as code: one pure calculator per policy, (inputs, date) -> Result.

`POLICIES` maps the URL name of each policy (the API contract) to its inputs and calculator;
`run(policy, data)` validates raw inputs (a JSON object or form data) and calculates, raising InputErrors that
name each field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pydantic
from django.utils.translation import gettext_lazy as _

from subsidies.calculators import internship, skill_upgrade, stable_job_refund, startup_loan, training, ui_benefit
from subsidies.calculators.base import InputErrors, Inputs, Result
from subsidies.parameters import ParameterNotInForce, parameter_snapshot


@dataclass(frozen=True)
class Policy:
    slug: str
    clause: str
    title: Any
    summary: Any
    inputs: type[Inputs]
    calculate: Callable[[Any, date | None], Result]
    date_field: str


POLICIES: dict[str, Policy] = {
    p.slug: p
    for p in [
        Policy(
            "stable-job-refund",
            "（一）",
            _("Stable-job refund"),
            _("Half of last year's unemployment-insurance premiums back to enterprises that keep jobs."),
            stable_job_refund.StableJobRefundInputs,
            stable_job_refund.calculate,
            "application_date",
        ),
        Policy(
            "startup-loan",
            "（三）",
            _("Guaranteed start-up loan"),
            _("The loan that can be guaranteed and the interest subsidy of years 1 to 3."),
            startup_loan.StartupLoanInputs,
            startup_loan.calculate,
            "application_date",
        ),
        Policy(
            "loan-reward",
            "（三）",
            _("Start-up loan reward"),
            _("The reward to the institutions handling a county's guaranteed start-up loans."),
            startup_loan.LoanRewardInputs,
            startup_loan.calculate_reward,
            "application_date",
        ),
        Policy(
            "internship",
            "（五）",
            _("Internship subsidy"),
            _("A living allowance for interns, paid at the local minimum wage."),
            internship.InternshipInputs,
            internship.calculate,
            "start_date",
        ),
        Policy(
            "training-subsidy",
            "（七）",
            _("Training subsidy"),
            _("The cost of training for unemployed people who pass, up to a cap."),
            training.TrainingSubsidyInputs,
            training.calculate_subsidy,
            "application_date",
        ),
        Policy(
            "training-living-allowance",
            "（七）",
            _("Training living allowance"),
            _("A daily allowance during training for registered unemployed employment-difficult people."),
            training.TrainingLivingAllowanceInputs,
            training.calculate_allowance,
            "training_start",
        ),
        Policy(
            "skill-upgrade",
            "（八）",
            _("Skill-upgrade subsidy"),
            _("A subsidy for insured employees who obtain a vocational qualification or skill certificate."),
            skill_upgrade.SkillUpgradeInputs,
            skill_upgrade.calculate,
            "application_date",
        ),
        Policy(
            "ui-benefit",
            "（十）",
            _("Unemployment-insurance benefit"),
            _("How many months of benefit, how much, and the medical premiums paid for the same months."),
            ui_benefit.UiBenefitInputs,
            ui_benefit.calculate,
            "registration_date",
        ),
    ]
}


def errors_from_pydantic(exc: pydantic.ValidationError) -> list[tuple[str, str]]:
    errors = []
    for error in exc.errors(include_url=False):
        loc = [str(part) for part in error.get("loc", ())]
        message = error.get("msg", "Invalid value.")
        if error.get("type") == "extra_forbidden":
            message = "Unknown field."
        errors.append((loc[0] if loc else "__all__", message))
    return errors


def validate(policy: Policy, data: Any) -> Inputs:
    """Typed inputs of `policy` from raw data; InputErrors naming each field otherwise."""
    if not isinstance(data, dict):
        raise InputErrors([("__all__", _("The body must be a JSON object of inputs."))])
    try:
        return policy.inputs.model_validate(data)
    except pydantic.ValidationError as exc:
        raise InputErrors(errors_from_pydantic(exc)) from None


def run(policy: Policy, data: Any, *, on: date | None = None) -> Result:
    """Validate and calculate. A date for which no parameter is in force is an input error on the date field."""
    inputs = validate(policy, data)
    with parameter_snapshot():
        try:
            return policy.calculate(inputs, on)
        except ParameterNotInForce as exc:
            raise InputErrors(
                [
                    (
                        policy.date_field,
                        _("The plan has no value of %(key)s in force on %(day)s.")
                        % {"key": exc.key, "day": exc.on.isoformat()},
                    )
                ]
            ) from None


__all__ = ["POLICIES", "InputErrors", "Policy", "Result", "run", "validate"]
