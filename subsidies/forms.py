"""Forms of the public calculator pages, built from each calculator's inputs so the two never drift apart."""

from __future__ import annotations

import types
import typing
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import annotated_types
from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import County
from subsidies.calculators import Policy

LABELS: dict[str, Any] = {
    "application_date": _("Application date"),
    "track": _("Track"),
    "ui_premiums_paid_last_year": _("UI premiums paid last year (enterprise and employees, yuan)"),
    "ui_months_paid_in_full": _("Months of UI premiums paid in full"),
    "insured_at_start": _("Insured employees at the start of last year"),
    "insured_at_end": _("Insured employees at the end of last year"),
    "retired_or_deceased": _("Of those, retired or deceased during last year"),
    "on_hardship_list": _("The enterprise is on the published hardship list"),
    "insured_employees": _("Insured employees"),
    "monthly_social_insurance_due": _("Monthly social-insurance contributions due (enterprise and employees, yuan)"),
    "method": _("Method"),
    "applicant": _("Applicant"),
    "requested_amount": _("Loan requested (yuan)"),
    "annual_interest_rate": _("Annual interest rate of the loan contract (e.g. 0.0435)"),
    "current_staff": _("Current staff"),
    "new_qualifying_hires": _("New hires this year who qualify for a start-up loan"),
    "contract_years": _("Shortest contract among those hires (whole years)"),
    "county_new_loans_total": _("New guaranteed loans of the county this year (yuan)"),
    "start_date": _("Internship start date"),
    "birth_date": _("Intern's birth date"),
    "unemployed_graduate": _("Graduate who left school unemployed"),
    "unemployed_youth": _("Unemployed youth"),
    "months": _("Internship months"),
    "county_code": _("County"),
    "host_monthly_pay": _("Host's monthly pay to the intern (yuan)"),
    "hired_after_months": _("Host signed a contract of 2 years or more with social insurance after (months)"),
    "hire_qualifies": _("The hire is on a contract of 2 years or more with social insurance paid"),
    "training_type": _("Type of training"),
    "hours": _("Training hours"),
    "cost": _("Cost of the training (yuan)"),
    "passed": _("Passed the training"),
    "training_start": _("First day of training"),
    "training_days": _("Training days"),
    "registered_unemployed": _("Registered as unemployed"),
    "categories": _("Employment-difficult categories"),
    "receiving_ui_benefit": _("Receiving unemployment-insurance benefit during the training"),
    "received_this_year": _("Already received the living allowance this year"),
    "certificate_level": _("Certificate level"),
    "certificate_date": _("Certificate date"),
    "insured_months": _("Months insured"),
    "claimed_same_occupation_level": _("Already claimed for this occupation and level"),
    "registration_date": _("Unemployment registration date"),
    "contribution_years": _("Years of unemployment-insurance contributions"),
    "reemployment_date": _("Re-employment date (if any)"),
}

CHOICE_LABELS: dict[str, Any] = {
    "standard": _("Standard"),
    "hardship": _("Hardship (2019)"),
    "ui_benefit": _("By UI benefit per insured employee"),
    "contribution": _("By social-insurance contributions"),
    "individual": _("Individual"),
    "enterprise": _("Small or micro enterprise"),
    "employment_skills": _("Employment skills"),
    "entrepreneurship": _("Entrepreneurship"),
    "low_income_family": _("Member of a minimum-living-allowance (dibao) family"),
    "disabled": _("Disabled person"),
    "de_capacity_worker": _("Worker from a de-capacity enterprise"),
    "zero_employment_family": _("Member of a zero-employment family"),
    "other_employment_difficult": _("Other employment-difficult person"),
    "junior": _("Junior"),
    "intermediate": _("Intermediate"),
    "senior": _("Senior"),
}


class DateInput(forms.DateInput):
    """A date picker whose value is always ISO (2026-12-02): a browser's date input accepts nothing else, so a
    localised value (2026/12/02 under zh-hans) would show an empty field and saving would erase the date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")


def _unwrap(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(base type, optional, metadata) of an annotation such as Annotated[int, Field(ge=0)] | None."""
    optional = False
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                metadata.extend(getattr(item, "metadata", [item]))
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional, metadata


def _bounds(metadata: list[Any]) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            bounds["min_value"] = item.ge
        elif isinstance(item, annotated_types.Le):
            bounds["max_value"] = item.le
    return bounds


def _choices(values: tuple[str, ...]) -> list[tuple[str, Any]]:
    return [(v, CHOICE_LABELS.get(v, v)) for v in values]


def _field(name: str, info: Any) -> forms.Field:
    base, optional, metadata = _unwrap(info.annotation)
    metadata = [*metadata, *info.metadata]
    required = info.is_required() and not optional
    label = LABELS.get(name, name)
    if base is bool:
        return forms.BooleanField(label=label, required=False)
    if base is date:
        return forms.DateField(label=label, required=required, widget=DateInput)
    if base is Decimal:
        return forms.DecimalField(label=label, required=required, decimal_places=6, max_digits=20, **_bounds(metadata))
    if base is int:
        return forms.IntegerField(label=label, required=required, **_bounds(metadata))
    if typing.get_origin(base) is Literal:
        default = info.default if isinstance(info.default, str) else None
        choices = _choices(typing.get_args(base))
        if not required and default is None:
            choices = [("", _("(the default)")), *choices]
        return forms.ChoiceField(
            label=label,
            required=required,
            choices=choices,
            initial=default,
            widget=forms.RadioSelect if len(choices) <= 3 else forms.Select,
        )
    if typing.get_origin(base) is list:
        (item,) = typing.get_args(base)
        item_base, _opt, _meta = _unwrap(item)
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            choices=_choices(typing.get_args(item_base)),
            widget=forms.CheckboxSelectMultiple,
        )
    if name == "county_code":
        return forms.ChoiceField(
            label=label,
            required=required,
            choices=[(c.code, f"{c.display_name} ({c.code})") for c in County.objects.order_by("code")],
        )
    return forms.CharField(label=label, required=required, max_length=100)


def calculator_form_class(policy: Policy) -> type[forms.Form]:
    fields = {name: _field(name, info) for name, info in policy.inputs.model_fields.items()}
    return type(f"{policy.inputs.__name__}Form", (forms.Form,), fields)


def inputs_from_form(form: forms.Form) -> dict[str, Any]:
    """Cleaned form data as the calculator's raw inputs (what the API would receive), blanks left out."""
    data: dict[str, Any] = {}
    for name, value in form.cleaned_data.items():
        if value is None or value == "":
            continue
        data[name] = value.isoformat() if isinstance(value, date) else value
    return data
