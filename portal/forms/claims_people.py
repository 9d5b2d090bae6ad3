"""Forms of the residents' claims （七）, （八）, （三）: they validate and type; subsidies.claims_people decides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledForm
from portal.forms.apply import BANK_ACCOUNT_RE
from portal.forms.residents_journey import UploadSizeMixin, _upload
from registry.crypto import normalise_bank_account
from registry.models import County
from subsidies.catalogue import ParameterText, money_of, number_of
from subsidies.forms import DateInput
from subsidies.measures.m03_startup_loan import LOAN_CATEGORIES
from subsidies.measures.m07_training import TRAINING_TYPES
from subsidies.measures.m08_skill_upgrade import CERTIFICATE_LEVELS

DATE_WIDGET = DateInput()
EARLIEST = date(2019, 1, 1)  # the plan takes effect in 2019


def _date_field(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD."), "required": _("Enter the date.")},
    )


class ClaimForm(StyledForm):
    token = forms.UUIDField(widget=forms.HiddenInput)

    def clean_token(self) -> Any:
        return self.cleaned_data["token"]


class BankFieldsMixin(forms.Form):
    bank_name = forms.CharField(label=_("Bank and branch"), max_length=100)
    bank_account = forms.CharField(
        label=_("Account number"),
        max_length=40,
        help_text=_("Your own bank account, 12 to 30 digits. The money is paid into it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def keep_bank_account(self, masked: str) -> None:
        """Correcting a claim: the account on file is kept unless another is entered."""
        self.fields["bank_account"].required = False
        self.fields["bank_account"].help_text = _(
            "We have the account ending %(last)s. Leave this empty to keep it, or enter another account."
        ) % {"last": masked[-4:]}

    def clean_bank_account(self) -> str:
        account = normalise_bank_account(self.cleaned_data["bank_account"])
        if not account and not self.fields["bank_account"].required:
            return ""
        if not BANK_ACCOUNT_RE.match(account):
            raise ValidationError(_("Enter the account number: 12 to 30 digits."))
        return account


class CertificateUploadMixin(UploadSizeMixin, forms.Form):
    """The certificate as a file, beside its number (optional). The service checks the content again."""

    certificate_file = _upload(_("Certificate (photo or scan)"))

    def clean_certificate_file(self) -> Any:
        return self._check_size("certificate_file")


class TrainingClaimForm(ClaimForm, BankFieldsMixin, CertificateUploadMixin):
    institution = forms.CharField(label=_("Training institution"), max_length=120)
    course = forms.CharField(label=_("Course"), max_length=120)
    training_type = forms.ChoiceField(
        label=_("Type of training"), choices=list(TRAINING_TYPES.items()), widget=forms.RadioSelect
    )
    training_start = _date_field(_("First day of the training"))
    training_end = _date_field(_("Last day of the training"))
    hours = forms.IntegerField(label=_("Hours of training"), min_value=1, max_value=10_000)
    cost = forms.DecimalField(
        label=_("Cost of the training (yuan)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[("passed", _("Passed")), ("not_passed", _("Did not pass"))],
        widget=forms.RadioSelect,
    )
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=60, help_text=_("As printed on the training certificate.")
    )
    living_allowance = forms.BooleanField(
        label=ParameterText(
            _(
                "Also claim the living allowance (%(per_day)s per training day, at most %(days)s days): for registered "
                "unemployed employment-difficult people and zero-employment families"
            ),
            per_day=money_of("living_allowance.per_day"),
            days=number_of("living_allowance.max_days"),
        ),
        required=False,
    )
    field_order = [
        "institution",
        "course",
        "training_type",
        "training_start",
        "training_end",
        "hours",
        "cost",
        "result",
        "certificate_number",
        "certificate_file",
        "living_allowance",
        "bank_name",
        "bank_account",
        "token",
    ]

    def clean_result(self) -> str:
        result = self.cleaned_data["result"]
        if result != "passed":
            raise ValidationError(_("The training subsidy is paid for those who pass: claim it once you have passed."))
        return result

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("training_start"), data.get("training_end")
        today = timezone.localdate()
        if start and start < EARLIEST:
            self.add_error("training_start", _("The plan covers training from 2019 on."))
        if end and end > today:
            self.add_error("training_end", _("Claim after the training has ended."))
        if start and end and end < start:
            self.add_error("training_end", _("The training cannot end before it starts."))
        return data


class SkillUpgradeClaimForm(ClaimForm, BankFieldsMixin, CertificateUploadMixin):
    occupation = forms.CharField(
        label=_("Occupation (trade)"), max_length=80, help_text=_("As on the certificate, for example 电工.")
    )
    certificate_level = forms.ChoiceField(
        label=_("Level of the certificate"), choices=list(CERTIFICATE_LEVELS.items()), widget=forms.RadioSelect
    )
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=60)
    certificate_date = _date_field(_("Date of the certificate"))
    insured_months = forms.IntegerField(
        label=_("Months of unemployment-insurance contributions"),
        min_value=0,
        max_value=1200,
        required=False,
        help_text=_("The social-insurance system has no record of you: enter the months; the caseworker checks them."),
    )
    # （八） "可在参保地申请": the claim goes to the caseworkers of the county where the applicant is insured.
    insured_county = forms.ModelChoiceField(
        label=_("County where you are insured"),
        queryset=County.objects.none(),
        to_field_name="code",
        empty_label=None,
        required=False,
        help_text=_("You apply where you are insured: the claim goes to that county's caseworkers."),
    )
    field_order = [
        "occupation",
        "certificate_level",
        "certificate_number",
        "certificate_date",
        "certificate_file",
        "insured_months",
        "insured_county",
        "bank_name",
        "bank_account",
        "token",
    ]

    def __init__(self, *args: Any, insured_months_known: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = insured_months_known
        if insured_months_known is not None:
            del self.fields["insured_months"]
        today = timezone.localdate()
        self.fields["insured_county"].queryset = County.objects.filter(  # type: ignore[attr-defined]
            Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        ).order_by("code")

    def clean_certificate_date(self) -> date:
        day = self.cleaned_data["certificate_date"]
        if day > timezone.localdate():
            raise ValidationError(_("The certificate date cannot be in the future."))
        return day

    def clean_insured_months(self) -> int | None:
        months = self.cleaned_data.get("insured_months")
        if self.known is None and months is None:
            raise ValidationError(_("Enter how many months you have paid unemployment-insurance contributions."))
        return months


class StartupLoanClaimForm(ClaimForm):
    category = forms.ChoiceField(label=_("You are a"), choices=list(LOAN_CATEGORIES.items()), widget=forms.RadioSelect)
    category_details = forms.CharField(
        label=_("If another qualifying person: which"),
        max_length=200,
        required=False,
        help_text=_("For example: veteran, migrant worker returning home to start a business."),
    )
    business_name = forms.CharField(label=_("Name of the business"), max_length=120)
    business_activity = forms.CharField(
        label=_("What the business does"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    requested_amount = forms.DecimalField(
        label=_("Loan you need (yuan)"),
        min_value=Decimal("1"),
        max_digits=12,
        decimal_places=2,
        help_text=ParameterText(
            _("An individual can be guaranteed up to %(cap)s."), cap=money_of("startup_loan.cap_individual")
        ),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    field_order = ["category", "category_details", "business_name", "business_activity", "requested_amount", "token"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("category") == "other" and not (data.get("category_details") or "").strip():
            self.add_error("category_details", _("Say which qualifying person you are."))
        return data
