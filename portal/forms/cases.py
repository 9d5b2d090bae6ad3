"""Forms of the case workbench and of public notices: they validate and type input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import County
from subsidies.forms import DateInput
from subsidies.models import CaseKind, CaseState, NoticeListKind, ObjectionState, PublicNoticeEntry

SORTS = [
    ("submitted", _("Submitted, oldest first")),
    ("-submitted", _("Submitted, newest first")),
    ("amount", _("Amount, smallest first")),
    ("-amount", _("Amount, largest first")),
]


class QueueFilterForm(forms.Form):
    """The queue's filters (GET). Invalid values are reported next to the field and ignored."""

    kind = forms.ChoiceField(label=_("Policy"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.order_by("code"), required=False, empty_label=_("All counties")
    )
    submitted_from = forms.DateField(label=_("Submitted from"), required=False, widget=DateInput())
    submitted_to = forms.DateField(label=_("Submitted to"), required=False, widget=DateInput())
    amount_min = forms.DecimalField(label=_("Amount from (yuan)"), required=False, min_value=0, decimal_places=2)
    amount_max = forms.DecimalField(label=_("Amount to (yuan)"), required=False, min_value=0, decimal_places=2)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args: Any, states: list[str], show_county: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All policies")), *CaseKind.choices]
        self.fields["state"].choices = [("", _("All states"))] + [(s, CaseState(s).label) for s in states]
        if not show_county:
            del self.fields["county"]
        for field in self.fields.values():
            choice = isinstance(field, forms.ChoiceField)
            css = "form-select form-select-sm" if choice else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("The upper amount is below the lower one."))
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("The end date is before the start date."))
        return data


class ApproveForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Another amount (yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("Leave empty to approve the calculated amount."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}),
    )
    override_reason = forms.CharField(
        label=_("Reason for another amount"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class AmountConfirmForm(forms.Form):
    """A second officer confirms an approved amount above the calculated one or the measure's ceiling."""

    reason = forms.CharField(
        label=_("Why this amount is right (recorded with your name)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": _("Say why you confirm this amount.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the applicant will read it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("Give a reason: the applicant will read it.")},
    )


class NoticeBuildForm(forms.Form):
    """Which list to build: kind, county (or the whole prefecture), title and first day."""

    kind = forms.ChoiceField(
        label=_("List of"), choices=NoticeListKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.order_by("code"),
        required=False,
        empty_label=_("The whole prefecture"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    starts_on = forms.DateField(
        label=_("First day of the notice period"),
        widget=DateInput(attrs={"class": "form-control"}),
    )

    def clean_starts_on(self) -> Any:
        day = self.cleaned_data["starts_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The notice period cannot start in the past."))
        return day


class ObjectionResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (ObjectionState.UPHELD, _("Upheld: the case leaves the list and goes back to review")),
            (ObjectionState.DISMISSED, _("Dismissed: the case stays on the list")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": _("Give a reason: the objector may ask for it.")},
    )


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PublicNoticeEntry) -> str:
        case = obj.case
        who = case.enterprise.name if case.enterprise_id else (case.person.name if case.person_id else "")
        code = case.enterprise.credit_code if case.enterprise_id else ""
        return f"{who} {code}".strip()


class ObjectionForm(forms.Form):
    """Anyone may object to an entry of a list on notice. `website` is a honeypot: people leave it empty."""

    entry = EntryChoiceField(
        label=_("Which enterprise do you object to?"),
        queryset=PublicNoticeEntry.objects.none(),
        empty_label=_("Choose an enterprise"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": _("Choose an enterprise on this list."),
            "invalid_choice": _("Choose an enterprise on this list."),
        },
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=60,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
        error_messages={"required": _("Enter your name.")},
    )
    contact = forms.CharField(
        label=_("Phone or email"),
        max_length=100,
        help_text=_("So that we can tell you how your objection was resolved."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": _("Enter a phone number or an email address.")},
    )
    text = forms.CharField(
        label=_("Your objection"),
        max_length=4000,
        help_text=_("What is wrong, and how you know it."),
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        error_messages={"required": _("Describe your objection.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, notice: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = notice.entries.filter(withdrawn=False).select_related(
            "case__enterprise", "case__person"
        )
