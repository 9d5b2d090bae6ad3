"""The measures of the plan, （一） to （十一）, as the public policies page lists them (clause （十四）).

Amounts are never typed here: `amounts(on)` renders each from the parameters in force on that date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _

from registry.models import County
from subsidies.documents import format_yuan
from subsidies.parameters import ParameterNotInForce, display, value_in_force


def percent(value: Decimal) -> str:
    text = format((value * 100).normalize(), "f")
    return f"{text}%"


def yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _v(key: str, on: date) -> Any:
    return value_in_force(key, on=on)


def _refund(on: date) -> list[str]:
    window = _v("hardship.window", on)
    return [
        _(
            "Standard track: %(ratio)s of the unemployment-insurance premiums the enterprise and its employees paid "
            "last year, for enterprises that paid in full for at least %(months)s months and laid off nobody or fewer "
            "than the registered urban unemployment rate (%(rate)s) of their insured employees."
        )
        % {
            "ratio": percent(_v("stable_job_refund.ratio", on)),
            "months": _v("stable_job_refund.min_ui_months", on),
            "rate": percent(_v("unemployment_rate.registered_urban", on)),
        },
        _(
            "Hardship track (applications %(start)s to %(end)s): %(months)s months of the UI benefit (%(benefit)s "
            "yuan a month) per insured employee, or %(months)s months of %(share)s of the social-insurance "
            "contributions due."
        )
        % {
            "start": window[0],
            "end": window[1],
            "months": _v("hardship.months", on),
            "benefit": yuan(_v("ui_benefit.monthly_amount", on)),
            "share": percent(_v("hardship.contribution_ratio", on)),
        },
    ]


def _loan(on: date) -> list[str]:
    return [
        _("Individuals: a guaranteed loan of up to %(cap)s yuan.")
        % {"cap": yuan(_v("startup_loan.cap_individual", on))},
        _(
            "Small and micro enterprises whose new qualifying hires this year reach %(ratio)s of current staff "
            "(%(large)s above %(threshold)s staff), on contracts of at least %(years)s year(s): up to %(cap)s yuan."
        )
        % {
            "ratio": percent(_v("startup_loan.hiring_ratio", on)),
            "large": percent(_v("startup_loan.hiring_ratio_large", on)),
            "threshold": _v("startup_loan.large_staff_threshold", on),
            "years": _v("startup_loan.min_contract_years", on),
            "cap": yuan(_v("startup_loan.cap_enterprise", on)),
        },
        _("Interest subsidised in full for %(years)s years (at most at %(rate)s a year); guarantee only in year 3.")
        % {
            "years": _v("startup_loan.interest_full_years", on),
            "rate": percent(_v("startup_loan.interest_rate_cap", on)),
        },
        _("Reward to the handling institutions: %(ratio)s of the county's new guaranteed loans of the year.")
        % {"ratio": percent(_v("loan_reward.ratio", on))},
    ]


def _internship(on: date) -> list[str]:
    wages = " / ".join(yuan(_v(f"minimum_wage.tier_{t}", on)) for t in (1, 2, 3, 4))
    return [
        _(
            "A living allowance equal to the local minimum wage each month (tiers 1-4: %(wages)s yuan) for "
            "%(min)s to %(max)s months; the host pays at least %(share)s of the minimum wage and buys accident "
            "insurance."
        )
        % {
            "wages": wages,
            "min": _v("internship.min_months", on),
            "max": _v("internship.max_months", on),
            "share": percent(_v("internship.host_share", on)),
        },
    ]


def _training(on: date) -> list[str]:
    window = _v("living_allowance.window", on)
    return [
        _(
            "Training subsidy for people registered unemployed when the course starts, who pass: the cost of the "
            "training, at most %(cap)s yuan per person."
        )
        % {"cap": yuan(_v("training_subsidy.cap", on))},
        _(
            "Living allowance for the training days from %(start)s to %(end)s: %(per_day)s yuan per training day, "
            "at most %(days)s days, once a year, not while receiving unemployment-insurance benefit."
        )
        % {
            "start": window[0],
            "end": window[1],
            "per_day": yuan(_v("living_allowance.per_day", on)),
            "days": _v("living_allowance.max_days", on),
        },
    ]


def _skill(on: date) -> list[str]:
    window = _v("skill_upgrade.relaxed_window", on)
    return [
        _(
            "Junior / intermediate / senior certificate: %(junior)s / %(intermediate)s / %(senior)s yuan, once per "
            "occupation and level."
        )
        % {
            "junior": yuan(_v("skill_upgrade.amount_junior", on)),
            "intermediate": yuan(_v("skill_upgrade.amount_intermediate", on)),
            "senior": yuan(_v("skill_upgrade.amount_senior", on)),
        },
        _(
            "Unemployment-insurance contributions required: %(normal)s months; %(relaxed)s months for applications "
            "%(start)s to %(end)s."
        )
        % {
            "normal": _v("skill_upgrade.insured_months_normal", on),
            "relaxed": _v("skill_upgrade.insured_months_relaxed", on),
            "start": window[0],
            "end": window[1],
        },
    ]


def _registration(on: date) -> list[str]:
    return [
        _("Working age: %(min)s to under %(men)s (men), %(min)s to under %(women)s (women).")
        % {
            "min": _v("registration.min_age", on),
            "men": _v("registration.max_age_men", on),
            "women": _v("registration.max_age_women", on),
        },
    ]


def _benefit(on: date) -> list[str]:
    lines = [
        _(
            "For %(m1)s months (1 to under 5 contribution years), %(m2)s months (5 to under 10) or %(m3)s months "
            "(10 or more); the fund also pays your basic medical insurance premium for the same months."
        )
        % {
            "m1": _v("ui_benefit.months_1_to_5_years", on),
            "m2": _v("ui_benefit.months_5_to_10_years", on),
            "m3": _v("ui_benefit.months_10_plus_years", on),
        },
    ]
    # （十） The amount is set per county, below its minimum wage.
    for county in County.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).order_by("code"):
        try:
            amount = _v(f"ui_benefit.monthly_amount.{county.code}", on)
            premium = _v(f"ui_benefit.medical_premium.{county.code}", on)
        except ParameterNotInForce:
            continue
        lines.append(
            _("%(county)s: %(amount)s yuan a month; the fund pays %(premium)s yuan a month of medical insurance.")
            % {"county": county.display_name, "amount": yuan(amount), "premium": yuan(premium)}
        )
    return lines


def _in_job_training(on: date) -> list[str]:
    window = _v("in_job_training.window", on)
    return [
        _(
            "Training from %(start)s to %(end)s; after the county's review, at most %(share)s of the shortfall of the "
            "employee education fund."
        )
        % {"start": window[0], "end": window[1], "share": percent(_v("in_job_training.support_share_cap", on))},
    ]


def _notice(on: date) -> list[str]:
    return [
        _("Lists are published for public notice for %(days)s working days before they take effect.")
        % {"days": _v("public_notice.working_days", on)},
        _("Decision within %(days)s working days of a complete application.")
        % {"days": _v("service.decision_working_days", on)},
    ]


@dataclass(frozen=True)
class Measure:
    clause: str
    title: Any
    lead: Any
    who: Any
    procedure: Any
    amounts: Callable[[date], list[str]] = field(default=lambda on: [])
    calculators: tuple[str, ...] = ()


MEASURES: list[Measure] = [
    Measure(
        "（一）",
        _("Stable-job refund"),
        _("Prefecture HR bureau, with the finance bureau"),
        _("Insured enterprises that keep jobs; in 2019 also enterprises on the published hardship list."),
        _(
            "Check your refund here, then apply online as an enterprise. The county HR bureau reviews, the list "
            "is published for public notice, and the refund is paid from the unemployment-insurance fund."
        ),
        lambda on: _refund(on) + _notice(on),
        ("stable-job-refund",),
    ),
    Measure(
        "（二）",
        _("Financing guarantees for small and micro enterprises"),
        _("Prefecture finance office and finance bureau"),
        _("Small and micro enterprises on the prefecture's quality-enterprise list."),
        _("Enterprises on the list are referred to the government guarantee company."),
    ),
    Measure(
        "（三）",
        _("Guaranteed start-up loans"),
        _("Prefecture finance bureau, with the HR bureau"),
        _("People who qualify for a guaranteed start-up loan, and small and micro enterprises that hire them."),
        _("Check the loan and interest subsidy here, then apply at the county HR bureau with the lending bank."),
        _loan,
        ("startup-loan", "loan-reward"),
    ),
    Measure(
        "（四）",
        _("Start-up incubators"),
        _("Prefecture science and technology bureau, with the HR bureau"),
        _("Maker spaces, incubators and other start-up bases at every level."),
        _("Bases report tenants, results and jobs; rewards are set by the bureaus."),
    ),
    Measure(
        "（五）",
        _("Internship subsidy"),
        _("Prefecture HR bureau"),
        _("Graduates who left school unemployed and unemployed youth aged 16-24, from 2019-01-01."),
        _("Host units apply for the interns they take on; the allowance is paid monthly."),
        _internship,
        ("internship",),
    ),
    Measure(
        "（六）",
        _("In-job training in enterprises in difficulty"),
        _("Prefecture HR bureau"),
        _("Enterprises in difficulty training their employees in 2019."),
        _("Costs come from the employee education fund; a shortfall may be covered in part after county review."),
        _in_job_training,
    ),
    Measure(
        "（七）",
        _("Training for the unemployed"),
        _("Prefecture HR bureau"),
        _(
            "Unemployed people who pass vocational or entrepreneurship training; registered unemployed "
            "employment-difficult people also get a living allowance."
        ),
        _("Apply after the training with the certificate; the living allowance is paid to you directly."),
        _training,
        ("training-subsidy", "training-living-allowance"),
    ),
    Measure(
        "（八）",
        _("Skill-upgrade subsidy"),
        _("Prefecture HR bureau"),
        _("Insured employees who obtain a vocational qualification or skill-level certificate."),
        _("Apply where you are insured, with the certificate."),
        _skill,
        ("skill-upgrade",),
    ),
    Measure(
        "（九）",
        _("Unemployment registration where you live"),
        _("Prefecture HR bureau"),
        _("People of working age, able and wanting to work, without work, whatever their household registration."),
        _(
            "Register at the public employment service where you live; older, disabled and dibao-family workers "
            "may ask to be recognised as employment-difficult persons."
        ),
        _registration,
    ),
    Measure(
        "（十）",
        _("Unemployment-insurance benefit"),
        _("Prefecture HR bureau, with the social insurance bureau"),
        _("Unemployed people who paid unemployment-insurance premiums for at least a year."),
        _(
            "Register unemployment and claim at the social insurance office; the benefit stops from the month "
            "after re-employment."
        ),
        _benefit,
        ("ui-benefit",),
    ),
    Measure(
        "（十一）",
        _("Basic living"),
        _("Prefecture civil affairs bureau"),
        _("Families who may qualify for the minimum living allowance or temporary assistance."),
        _("Caseworkers refer you to the civil affairs bureau."),
    ),
]


def parameter_text(key: str, on: date) -> str:
    return display(key, value_in_force(key, on=on))


# --- Words with amounts, for any page --------------------------------------------------------------------------------


class ParameterText:
    """Words whose amounts come from the dated parameters in force on the day they are shown.

    `ParameterText(_("up to %(cap)s"), cap=money_of("training_subsidy.cap"))` reads the parameter each time it is
    rendered (in the language active then), so no amount is ever typed into a view, a form or a template.
    """

    def __init__(self, message: Any, **values: Callable[[date], str]) -> None:
        self.message = message
        self.values = values

    def __str__(self) -> str:
        on = timezone.localdate()
        return str(self.message) % {name: value(on) for name, value in self.values.items()}

    def __html__(self) -> str:  # rendered like a translated string: escaped by the template as usual
        return conditional_escape(str(self))


def money_of(key: str) -> Callable[[date], str]:
    """The amount of a parameter, written the one way money is written: ¥150,000.00."""
    return lambda on: format_yuan(Decimal(str(value_in_force(key, on=on))))


def percent_of(key: str) -> Callable[[date], str]:
    return lambda on: percent(Decimal(str(value_in_force(key, on=on))))


def number_of(key: str) -> Callable[[date], str]:
    return lambda on: str(value_in_force(key, on=on))
