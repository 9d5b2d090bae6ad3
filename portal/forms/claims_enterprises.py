"""Forms of the enterprise claims (clauses （二）, （三）, （五）, （六）) and of the loan pages of the workbench.

They validate and type input; the views hand cleaned data to subsidies.claims_enterprises and subsidies.loans.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledForm
from registry.identifiers import error_text, parse_id_number
from subsidies.catalogue import ParameterText, money_of
from subsidies.forms import DateInput
from subsidies.models import InternCategory

DATE_WIDGET = {"widget": DateInput()}


class ClaimForm(StyledForm):
    """The enterprise the claim is for (only those the account acts for), then the claim's own fields."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None, empty_label=None)  # type: ignore[arg-type]
    # Fields stored as answers (JSON): the others are handled by the view.
    answer_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, enterprises: Any, fixed: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every claim takes a supporting document (the caseworker may ask for one when returning the claim); it is
        # the last field of the page, whatever the claim's own fields are.
        self.fields["document"] = forms.FileField(
            label=_("Supporting document (optional)"),
            required=False,
            help_text=_("PDF, JPEG or PNG, at most 5 MB: a contract, a certificate, what the caseworker asked for."),
            widget=forms.ClearableFileInput(
                attrs={
                    "accept": "application/pdf,image/jpeg,image/png",
                    "aria-describedby": "id_document_hint",
                    "class": "form-control",
                }
            ),
        )
        self._set_enterprises(enterprises, fixed)

    def _set_enterprises(self, enterprises: Any, fixed: Any) -> None:
        self.fields["enterprise"].queryset = enterprises
        if fixed is not None:
            # A saved claim stays with its enterprise.
            self.fields["enterprise"].queryset = enterprises.filter(pk=fixed.pk)
            self.fields["enterprise"].initial = fixed.pk

    def answers(self) -> dict[str, Any]:
        data = {}
        for name in self.answer_fields:
            value = self.cleaned_data.get(name)
            if isinstance(value, Decimal):
                value = f"{value:.2f}"
            elif isinstance(value, date):
                value = value.isoformat()
            data[name] = value
        return data


class InternshipBaseForm(ClaimForm):
    positions = forms.CharField(
        label=_("Internship positions"),
        help_text=_("The posts interns will hold, and what they will learn."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
    capacity = forms.IntegerField(label=_("Interns you can take at a time"), min_value=1, max_value=10000)
    supervisor = forms.CharField(label=_("Supervisor of the interns (name and phone)"), max_length=100)
    answer_fields = ("positions", "capacity", "supervisor")


class InternForm(ClaimForm):
    id_number = forms.CharField(
        label=_("Intern's resident ID number"),
        help_text=_("18 characters. Stored encrypted; pages show it masked."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    intern_name = forms.CharField(label=_("Intern's name, as on the ID card"), max_length=60)
    category = forms.ChoiceField(label=_("Category"), choices=InternCategory.choices, widget=forms.RadioSelect)
    start_date = forms.DateField(label=_("Start date"), **DATE_WIDGET)
    months = forms.IntegerField(label=_("Months"), help_text=_("3 to 12 months."), min_value=1, max_value=120)
    host_monthly_pay = forms.DecimalField(
        label=_("Pay by the host per month (yuan)"),
        help_text=_("At least half the county's minimum wage."),
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    accident_policy_number = forms.CharField(label=_("Accident-insurance policy number"), max_length=60)
    hired_after_months = forms.IntegerField(
        label=_("Hired before the end: after how many months? (optional)"),
        help_text=_("Only if you signed an employment contract with the intern before the internship ended."),
        required=False,
        min_value=1,
        max_value=120,
    )
    contract_years = forms.IntegerField(
        label=_("Length of that contract (years, optional)"), required=False, min_value=0, max_value=100
    )
    social_insurance = forms.BooleanField(label=_("We pay social insurance for the intern we hired"), required=False)

    def __init__(self, *args: Any, masked_id: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if masked_id:
            field = self.fields["id_number"]
            field.required = False
            field.help_text = _("Leave empty to keep %(masked)s.") % {"masked": masked_id}

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        if not value:
            return ""
        try:
            return parse_id_number(value).number
        except ValidationError as exc:
            raise ValidationError(error_text(exc)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        hired, months = data.get("hired_after_months"), data.get("months")
        if hired is not None and months is not None and hired >= months:
            self.add_error("hired_after_months", _("An early hire is before the last month of the internship."))
        if hired is not None and data.get("contract_years") is None:
            self.add_error("contract_years", _("Enter the length of the contract you signed."))
        return data


class StartupLoanForm(ClaimForm):
    requested_amount = forms.DecimalField(
        label=_("Loan you need (yuan)"),
        help_text=ParameterText(
            _("Up to %(cap)s for a small or micro enterprise."), cap=money_of("startup_loan.cap_enterprise")
        ),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
    )
    current_staff = forms.IntegerField(label=_("Current staff"), min_value=0, max_value=10_000_000)
    new_qualifying_hires = forms.IntegerField(
        label=_("New hires of qualifying persons this year"),
        help_text=_("Registered unemployed, graduates and other qualifying persons, on contracts of 1 year or more."),
        min_value=0,
        max_value=10_000_000,
    )
    contract_years = forms.IntegerField(label=_("Shortest contract of those hires (years)"), min_value=0, max_value=100)
    purpose = forms.CharField(
        label=_("What the loan is for"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    answer_fields = ("requested_amount", "current_staff", "new_qualifying_hires", "contract_years", "purpose")


class InJobTrainingForm(ClaimForm):
    course = forms.CharField(label=_("Training given (course and dates)"), max_length=300)
    # （六） "2019年1月1日至12月31日": the course must lie inside the window (the measure checks it).
    training_start = forms.DateField(label=_("First day of the training"), **DATE_WIDGET)
    training_end = forms.DateField(label=_("Last day of the training"), **DATE_WIDGET)
    trainees = forms.IntegerField(label=_("Employees trained"), min_value=1, max_value=1_000_000)
    training_costs = forms.DecimalField(
        label=_("Training costs in 2019 (yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    education_fund = forms.DecimalField(
        label=_("Employee education fund available (yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    answer_fields = ("course", "training_start", "training_end", "trainees", "training_costs", "education_fund")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("training_start"), data.get("training_end")
        if start and end and end < start:
            self.add_error("training_end", _("The training cannot end before it starts."))
        return data


class GuaranteeReferralForm(ClaimForm):
    purpose = forms.CharField(
        label=_("What you need financing for"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    contact = forms.CharField(label=_("Contact person and phone"), max_length=100)
    answer_fields = ("purpose", "contact")


# --- Workbench: loans, payments, referral answers, quality list ------------------------------------------------


class LoanForm(StyledForm):
    lender = forms.CharField(label=_("Lending bank and branch"), max_length=120)
    amount = forms.DecimalField(
        label=_("Amount granted (yuan)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    granted_on = forms.DateField(label=_("Granted on"), **DATE_WIDGET)
    annual_rate_percent = forms.DecimalField(
        label=_("Annual interest rate (%)"),
        help_text=_("For example 4.35."),
        min_value=0,
        max_value=100,
        max_digits=7,
        decimal_places=4,
    )
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=600)

    def clean_granted_on(self) -> date:
        day = self.cleaned_data["granted_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day


class PaymentForm(StyledForm):
    loan_year = forms.TypedChoiceField(label=_("Loan year"), coerce=int, choices=[(1, "1"), (2, "2"), (3, "3")])
    period_from = forms.DateField(label=_("Period from"), **DATE_WIDGET)
    period_to = forms.DateField(label=_("Period to"), **DATE_WIDGET)
    amount = forms.DecimalField(
        label=_("Amount paid (yuan)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    paid_on = forms.DateField(label=_("Paid on"), **DATE_WIDGET)


class ReferralResponseForm(StyledForm):
    answer = forms.ChoiceField(
        label=_("The guarantee company's answer"),
        choices=[("accepted", _("Accepted")), ("declined", _("Declined"))],
        widget=forms.RadioSelect,
    )
    responded_on = forms.DateField(label=_("Answered on"), **DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class RewardYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2019, max_value=2100, required=False)
