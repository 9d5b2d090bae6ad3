"""Forms of the enterprise journey: sign-up, the application steps (one topic per page), offers and submission.

Forms validate and type the input; the views hand `cleaned_data` (through each form's `answers()`) to the services
in subsidies.cases and portal.services_accounts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledForm
from portal.models import User
from registry.crypto import normalise_bank_account
from registry.identifiers import parse_credit_code
from registry.models import County, Enterprise, SizeClass
from subsidies.measures.m01_stable_job_refund import figures_change_refusal
from subsidies.models import Track

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
BANK_ACCOUNT_RE = re.compile(r"^\d{12,30}$")
FIRST_YEAR = 2019  # the plan takes effect in 2019 (塔行发〔2019〕16号)

STANDARD_FIGURES = (
    "ui_premiums_paid_last_year",
    "ui_months_paid_in_full",
    "insured_at_start",
    "insured_at_end",
    "retired_or_deceased",
)
HARDSHIP_FIGURES = ("insured_employees", "monthly_social_insurance_due")


def _counties_in_use() -> Any:
    today = timezone.localdate()
    return County.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)).order_by("code")


class EnterpriseSignupForm(StyledForm):
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        help_text=_("18 characters, as on the business licence."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    enterprise_name = forms.CharField(label=_("Enterprise name"), max_length=200)
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.none(),
        required=False,
        help_text=_("Only if your enterprise is not yet in the registry: where it is registered."),
        empty_label=_("Choose a county"),
    )
    size_class = forms.ChoiceField(
        label=_("Size of the enterprise"),
        choices=[("", _("Choose a size")), *SizeClass.choices],
        required=False,
        help_text=_("Only if your enterprise is not yet in the registry."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send a link to confirm it. You sign in with this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 10 characters; not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = _counties_in_use()
        self.enterprise: Enterprise | None = None

    def clean_credit_code(self) -> str:
        code = parse_credit_code(self.cleaned_data["credit_code"])  # ValidationError says which character
        self.enterprise = Enterprise.objects.filter(credit_code=code).first()
        return code

    def clean_phone(self) -> str:
        phone = re.sub(r"[\s-]", "", self.cleaned_data["phone"])
        if not PHONE_RE.match(phone):
            raise ValidationError(_("Enter an 11-digit mobile number starting with 1, such as 13912345678."))
        return phone

    def clean_email(self) -> str:
        # An address already in use is not refused here: the page would tell a stranger it has an account. The view
        # answers as for a new address and writes to the address's owner instead (portal.views.apply.signup).
        return self.cleaned_data["email"].strip().lower()

    def email_in_use(self) -> bool:
        email = self.cleaned_data["email"]
        return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "credit_code" in data and self.enterprise is None:
            if not data.get("county"):
                self.add_error("county", _("Your enterprise is new to the registry: choose its county."))
            if not data.get("size_class"):
                self.add_error("size_class", _("Your enterprise is new to the registry: choose its size."))
        password = data.get("password1")
        if password:
            if password != data.get("password2"):
                self.add_error("password2", _("The two passwords are not the same."))
            else:
                probe = User(username=data.get("email", ""), email=data.get("email", ""))
                probe.first_name = data.get("contact_name", "")
                try:
                    validate_password(password, user=probe)
                except ValidationError as exc:
                    self.add_error("password1", exc)
        return data


# --- The application steps -------------------------------------------------------------------------------------


def year_choices() -> list[tuple[int, str]]:
    return [(year, str(year)) for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


class StartForm(StyledForm):
    """The first page: which enterprise (when the account acts for several) and which year."""

    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    year = forms.TypedChoiceField(
        label=_("Which year are you applying for?"),
        help_text=_("The refund is based on the figures of the year before."),
        coerce=int,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, enterprises: Any, years: list[tuple[int, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.only_enterprise = enterprises.first() if enterprises.count() == 1 else None
        if self.only_enterprise is not None:
            del self.fields["enterprise"]  # nothing to choose
        self.fields["year"].choices = years or year_choices()
        if len(self.fields["year"].choices) == 1:
            self.fields["year"].initial = self.fields["year"].choices[0][0]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.only_enterprise is not None:
            data["enterprise"] = self.only_enterprise
        return data


class TrackForm(StyledForm):
    track = forms.ChoiceField(label=_("Which track?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, hardship_allowed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(Track.STANDARD.value, _("Standard track: half of last year's unemployment-insurance premiums"))]
        if hardship_allowed:
            choices.append(
                (Track.HARDSHIP.value, _("Hardship track: for enterprises on the published 2019 hardship list"))
            )
        self.fields["track"].choices = choices
        if not hardship_allowed:
            self.fields["track"].initial = Track.STANDARD.value

    @staticmethod
    def initial_from(case: Any) -> dict[str, Any]:
        return {"track": case.track} if case.track else {}

    def answers(self) -> dict[str, Any]:
        return {"track": self.cleaned_data["track"]}


class FiguresForm(StyledForm):
    """Last year's figures. Prefilled from the social-insurance system when known; a change needs a reason."""

    keys: tuple[str, ...] = ()
    change_reason = forms.CharField(
        label=_("Why are your figures different?"),
        help_text=_("Only if you changed a figure that came from the social-insurance system."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, registry: dict[str, Any] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registry = {k: v for k, v in (registry or {}).items() if k in self.keys}
        if not self.registry:
            del self.fields["change_reason"]
        else:
            self.fields["change_reason"].widget.attrs.setdefault("class", "form-control")

    @classmethod
    def initial_from(cls, case: Any, registry: dict[str, Any] | None) -> dict[str, Any]:
        saved = {k: case.answers[k] for k in cls.keys if case.answers.get(k) not in (None, "")}
        if saved:
            return {**saved, "change_reason": case.answers.get("figures_change_reason", "")}
        return {k: v for k, v in (registry or {}).items() if k in cls.keys}

    def changed_figures(self) -> list[str]:
        changed = []
        for key, value in self.registry.items():
            if key in self.cleaned_data and Decimal(str(self.cleaned_data[key])) != Decimal(str(value)):
                changed.append(key)
        return changed

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.registry and self.changed_figures() and not (data.get("change_reason") or "").strip():
            self.add_error("change_reason", figures_change_refusal())
        return data

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        for key in self.keys:
            value = data[key]
            answers[key] = f"{value:.2f}" if isinstance(value, Decimal) else value
        changed = self.changed_figures()
        if self.registry and not changed:
            answers.update(figures_source="registry", figures_change_reason="", figures_changed=[])
        elif self.registry:
            answers.update(
                figures_source="applicant",
                figures_change_reason=data["change_reason"].strip(),
                figures_changed=changed,
            )
        else:
            answers.update(figures_source="applicant", figures_change_reason="", figures_changed=[])
        return answers


def _money_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=Decimal("999999999999.99"),
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **kwargs,
    )


def _count_field(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=10_000_000, widget=forms.TextInput(attrs={"inputmode": "numeric"}), **kwargs
    )


class StandardFiguresForm(FiguresForm):
    keys = STANDARD_FIGURES
    ui_premiums_paid_last_year = _money_field(_("Unemployment-insurance premiums actually paid last year (yuan)"))
    ui_months_paid_in_full = forms.IntegerField(
        label=_("Months of unemployment-insurance premiums paid in full"),
        help_text=_("At least 12 months are needed."),
        min_value=0,
        max_value=1200,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    insured_at_start = _count_field(_("Insured employees at the start of last year"))
    insured_at_end = _count_field(_("Insured employees at the end of last year"))
    retired_or_deceased = _count_field(_("Of them, retired or deceased during last year"))
    field_order = [*STANDARD_FIGURES, "change_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, gone = data.get("insured_at_start"), data.get("retired_or_deceased")
        if start is not None and gone is not None and gone > start:
            self.add_error(
                "retired_or_deceased", _("This cannot be more than the insured employees at the start of the year.")
            )
        return data


class HardshipFiguresForm(FiguresForm):
    keys = HARDSHIP_FIGURES
    insured_employees = _count_field(_("Insured employees"))
    monthly_social_insurance_due = _money_field(
        _("Monthly social-insurance contributions owed by the enterprise and its employees (yuan)")
    )
    field_order = [*HARDSHIP_FIGURES, "change_reason"]


class BankForm(StyledForm):
    bank_name = forms.CharField(label=_("Bank and branch"), max_length=100)
    bank_account = forms.CharField(
        label=_("Account number"),
        max_length=40,
        help_text=_("The enterprise's basic account, 12 to 30 digits. The refund is paid into it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, on_file: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_file = on_file
        if on_file:
            self.fields["bank_account"].required = False
            self.fields["bank_account"].help_text = _(
                "We have the account ending %(last)s. Leave this empty to keep it, or enter another account."
            ) % {"last": on_file[-4:]}

    @staticmethod
    def initial_from(case: Any) -> dict[str, Any]:
        return {"bank_name": case.answers.get("bank_name", "")}

    def clean_bank_account(self) -> str:
        account = normalise_bank_account(self.cleaned_data["bank_account"])
        if account and not BANK_ACCOUNT_RE.match(account):
            raise ValidationError(_("Enter the account number: 12 to 30 digits."))
        return account

    def answers(self) -> dict[str, Any]:
        return {"bank_name": self.cleaned_data["bank_name"].strip()}

    def new_bank_account(self) -> str | None:
        """The new account, or None to keep the one on file."""
        return self.cleaned_data["bank_account"] or None


class DeclarationForm(StyledForm):
    declaration = forms.BooleanField(
        label=_(
            "I declare that the information in this application is true and complete, and I agree that the HR bureau "
            "checks it against the social-insurance system."
        ),
        error_messages={"required": _("Tick the box to make the declaration.")},
    )

    @staticmethod
    def initial_from(case: Any) -> dict[str, Any]:
        return {"declaration": bool(case.answers.get("declaration"))}

    def answers(self) -> dict[str, Any]:
        return {"declaration": True, "declared_at": timezone.now().isoformat()}


class OfferForm(BankForm, DeclarationForm):
    """Offer before applying (免申即享): bank account and declaration on one page."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    field_order = ["bank_name", "bank_account", "declaration"]


# --- Hardship recognition (2019) -------------------------------------------------------------------------------


def _text(label: Any, help_text: Any = "", *, rows: int = 5, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=4000,
        min_length=10 if required else None,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"min_length": _("Write at least 10 characters.")},
    )


class TextStepForm(StyledForm):
    """A step whose fields are stored as they are in the answers."""

    @classmethod
    def initial_from(cls, case: Any) -> dict[str, Any]:
        return {name: case.answers[name] for name in cls.base_fields if name in case.answers}

    def answers(self) -> dict[str, Any]:
        return {name: (value.strip() if isinstance(value, str) else value) for name, value in self.cleaned_data.items()}


class SituationForm(TextStepForm):
    situation = _text(
        _("What difficulty is the enterprise in?"),
        _("Orders, prices, costs or other causes; since when; how production and sales have changed."),
    )
    recovery = _text(_("Why do you expect to recover, and when?"), rows=3)


class MeasuresForm(TextStepForm):
    measures = _text(
        _("How are you keeping jobs?"),
        _("For example: no layoffs, reduced hours, rotation, training instead of layoffs, wage negotiation."),
    )
    layoffs_planned = _count_field(_("How many employees do you plan to lay off this year?"), help_text=_("0 if none."))


class AgreementForm(TextStepForm):
    class Agreement:
        UNION = "union"
        STAFF = "staff"
        NONE = "none"

    agreement = forms.ChoiceField(
        label=_("Have you agreed the job-keeping measures with your staff?"),
        choices=[
            (Agreement.UNION, _("Yes, with the trade union")),
            (Agreement.STAFF, _("Yes, with the staff or their representatives")),
            (Agreement.NONE, _("Not yet")),
        ],
        widget=forms.RadioSelect,
    )
    agreement_details = _text(
        _("When and how was it agreed?"), _("Meeting, date, who took part."), rows=3, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("agreement") in (self.Agreement.UNION, self.Agreement.STAFF)
            and not (data.get("agreement_details") or "").strip()
        ):
            self.add_error("agreement_details", _("Say when and how the measures were agreed."))
        return data


class DocumentsForm(TextStepForm):
    """Upload the documents that support the application, one file at a time; a note says what they are."""

    file = forms.FileField(
        label=_("Upload a document"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 5 MB. Upload one file, save, then add the next."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    documents = forms.CharField(
        label=_("What the documents are"),
        help_text=_(
            "One per line, with their reference or date: financial statements, the agreement with staff, the plan "
            "to keep jobs. Bring the originals if the caseworker asks."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, has_files: bool = False, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_files = has_files
        self.require_a_file = required

    @classmethod
    def initial_from(cls, case: Any) -> dict[str, Any]:
        return {"documents": case.answers.get("documents", "")}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.require_a_file and not self.has_files and not data.get("file"):
            self.add_error("file", _("Upload at least one document."))
        return data

    def answers(self) -> dict[str, Any]:
        return {"documents": (self.cleaned_data.get("documents") or "").strip()}
