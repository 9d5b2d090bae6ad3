"""Forms of the resident journey (clause （九）): one topic per page; each form's answers() is what the draft keeps.

Uploads are checked again by the service (subsidies.residents.evidence_add: the content decides the type).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledForm
from registry.models import County, DifficultyCategory, ReferralKind
from subsidies.cases.evidence import MAX_EVIDENCE_BYTES
from subsidies.forms import DateInput
from subsidies.measures.m09_registration import WORK_END_REASONS

UPLOAD_HINT = _("PDF, JPEG or PNG, at most 5 MB. A clear photo taken with your phone is fine.")


def counties_in_use() -> Any:
    today = timezone.localdate()
    return County.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)).order_by("code")


def _upload(label: Any, **kwargs: Any) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        help_text=UPLOAD_HINT,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        **kwargs,
    )


class UploadSizeMixin:
    def _check_size(self, name: str) -> Any:
        upload = self.cleaned_data.get(name)  # type: ignore[attr-defined]
        if upload and upload.size > MAX_EVIDENCE_BYTES:
            raise ValidationError(_("The file is larger than 5 MB. Upload a smaller file."))
        return upload


class ResidenceForm(UploadSizeMixin, StyledForm):
    residence_county = forms.ModelChoiceField(
        label=_("Which county or city do you live in now?"),
        queryset=County.objects.none(),
        empty_label=_("Choose a county"),
        help_text=_("Where you actually live, even if your household registration (户口) is elsewhere."),
    )
    address = forms.CharField(
        label=_("Your address there"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    residence_permit = forms.CharField(
        label=_("Residence permit number"),
        max_length=40,
        required=False,
        help_text=_("Only if your household registration is in another county: the number on your residence permit."),
    )
    residence_document = _upload(_("Or upload a document showing where you live"))
    move_registration = forms.BooleanField(
        label=_("Move my unemployment registration here"),
        required=False,
    )

    def __init__(self, *args: Any, person: Any, has_document: bool, active: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.has_document = has_document
        self.active = active
        self.fields["residence_county"].queryset = counties_in_use()
        self.fields["residence_document"].widget.attrs.pop("aria-describedby", None)
        self.fields["residence_document"].widget.attrs["aria-describedby"] = "id_residence_document_hint"
        if active is None:
            del self.fields["move_registration"]
        else:
            self.fields["move_registration"].help_text = _(
                "You are registered in %(county)s since %(day)s. That registration ends when you are registered in "
                "the county you choose above."
            ) % {"county": active.residence_county.display_name, "day": active.registered_on.isoformat()}

    @staticmethod
    def initial_from(case: Any) -> dict[str, Any]:
        answers = case.answers
        initial: dict[str, Any] = {"residence_county": case.county_id}
        for key in ("address", "residence_permit", "move_registration"):
            if key in answers:
                initial[key] = answers[key]
        if "address" not in answers:
            initial["address"] = case.person.address
        return initial

    def clean_residence_document(self) -> Any:
        return self._check_size("residence_document")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        county = data.get("residence_county")
        if county is None:
            return data
        hukou_here = self.person.hukou_area_code == county.code
        if (
            not hukou_here
            and not (data.get("residence_permit") or "").strip()
            and not data.get("residence_document")
            and not self.has_document
            and "residence_document" not in self.errors
        ):
            self.add_error(
                "residence_permit",
                _(
                    "Your household registration (area code %(hukou)s) is not in %(county)s: give your residence "
                    "permit number, or upload a document showing where you live."
                )
                % {"hukou": self.person.hukou_area_code, "county": county.display_name},
            )
        if (
            self.active is not None
            and self.active.residence_county_id != county.pk
            and not data.get("move_registration")
        ):
            self.add_error(
                "move_registration",
                _("You are registered in %(county)s: tick this box to move your registration.")
                % {"county": self.active.residence_county.display_name},
            )
        if self.active is not None and self.active.residence_county_id == county.pk:
            self.add_error(
                "residence_county",
                _("You are already registered as unemployed in %(county)s since %(day)s.")
                % {"county": county.display_name, "day": self.active.registered_on.isoformat()},
            )
        return data


class AbleToWorkForm(StyledForm):
    able_and_willing = forms.BooleanField(
        label=_("I have no work now, I am able to work, and I want work and am looking for it."),
        error_messages={"required": _("Tick the box to make the declaration. Without it you cannot register.")},
    )

    @staticmethod
    def initial_from(case: Any) -> dict[str, Any]:
        return {"able_and_willing": case.answers.get("able_and_willing", False)}

    def answers(self) -> dict[str, Any]:
        return {"able_and_willing": True, "able_declared_at": timezone.now().isoformat()}


class LastWorkForm(StyledForm):
    work_end_reason = forms.ChoiceField(
        label=_("Why are you without work?"), choices=WORK_END_REASONS, widget=forms.RadioSelect
    )
    last_employer = forms.CharField(
        label=_("Your last employer"),
        max_length=200,
        required=False,
        help_text=_("Leave empty if you have never worked for an employer."),
    )
    work_ended_on = forms.DateField(
        label=_("When did your last work end?"),
        required=False,
        help_text=_("For example 2019-01-31."),
        widget=DateInput(),
    )

    @staticmethod
    def initial_from(case: Any) -> dict[str, Any]:
        return {k: case.answers[k] for k in ("work_end_reason", "last_employer", "work_ended_on") if k in case.answers}

    def clean_work_ended_on(self) -> Any:
        day = self.cleaned_data.get("work_ended_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("work_end_reason") not in (None, "graduated") and not data.get("work_ended_on"):
            self.add_error("work_ended_on", _("Enter the date your last work ended."))
        return data

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "work_end_reason": data["work_end_reason"],
            "last_employer": data["last_employer"].strip(),
            "work_ended_on": data["work_ended_on"].isoformat() if data["work_ended_on"] else "",
        }


class WishesForm(StyledForm):
    occupation = forms.CharField(
        label=_("What work are you looking for?"), max_length=100, help_text=_("For example: warehouse keeper, cook.")
    )
    expected_wage = forms.DecimalField(
        label=_("Monthly wage you expect (yuan)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal("999999.99"),
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    training_wishes = forms.CharField(
        label=_("Training you would like"),
        max_length=500,
        required=False,
        help_text=_("Free vocational training may be available (clause （七）)."),
    )
    skills = forms.CharField(
        label=_("Your skills and certificates"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @staticmethod
    def initial_from(case: Any) -> dict[str, Any]:
        keys = ("occupation", "expected_wage", "training_wishes", "skills")
        return {k: case.answers[k] for k in keys if k in case.answers}

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        wage = data["expected_wage"]
        return {
            "occupation": data["occupation"].strip(),
            "expected_wage": f"{wage:.2f}" if wage is not None else "",
            "training_wishes": data["training_wishes"].strip(),
            "skills": data["skills"].strip(),
        }


class CategoriesForm(StyledForm):
    categories = forms.MultipleChoiceField(
        label=_("Which of these apply to you?"),
        help_text=_("Those the registry already confirms are ticked. For the others you upload evidence next."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one category that applies to you.")},
    )

    def __init__(self, *args: Any, proven: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        for value, label in DifficultyCategory.choices:
            if value in proven:
                label = _("%(label)s — the registry confirms: %(why)s") % {"label": label, "why": proven[value]}
            choices.append((value, label))
        self.fields["categories"].choices = choices

    @staticmethod
    def initial_from(case: Any) -> dict[str, Any]:
        return {"categories": case.answers.get("categories", [])}

    def answers(self) -> dict[str, Any]:
        chosen = [c for c in DifficultyCategory.values if c in set(self.cleaned_data["categories"])]
        return {"categories": chosen, "categories_chosen": True}


class EvidenceForm(UploadSizeMixin, StyledForm):
    """One upload field per chosen category the registry cannot prove."""

    def __init__(self, *args: Any, categories: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in categories:
            field = _upload(DifficultyCategory(category).label)
            field.widget.attrs["class"] = "form-control"
            field.widget.attrs["aria-describedby"] = f"id_{category}_hint"
            self.fields[category] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.fields:
            upload = data.get(name)
            if upload and upload.size > MAX_EVIDENCE_BYTES:
                self.add_error(name, _("The file is larger than 5 MB. Upload a smaller file."))
        return data

    @staticmethod
    def initial_from(case: Any) -> dict[str, Any]:
        return {}


class DeclarationForm(StyledForm):
    declaration = forms.BooleanField(
        label=_("What I have said is true. I will tell the service office when my situation changes."),
        error_messages={"required": _("Tick the box to make the declaration.")},
    )

    @staticmethod
    def initial_from(case: Any) -> dict[str, Any]:
        return {"declaration": case.answers.get("declaration", False)}

    def answers(self) -> dict[str, Any]:
        return {"declaration": True, "declared_at": timezone.now().isoformat()}


class ReportWorkForm(StyledForm):
    started_on = forms.DateField(
        label=_("When did you start work?"),
        help_text=_("For example 2019-06-03."),
        widget=DateInput(),
    )
    employer = forms.CharField(label=_("Employer"), max_length=200)


class RecognitionDecisionForm(StyledForm):
    accepted = forms.MultipleChoiceField(
        label=_("Categories you accept"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label=_("Note for the resident (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, asked: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accepted"].choices = [(c, DifficultyCategory(c).label) for c in asked]


class ReferralForm(StyledForm):
    kind = forms.ChoiceField(label=_("Refer for"), choices=ReferralKind.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note for the civil affairs bureau"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
