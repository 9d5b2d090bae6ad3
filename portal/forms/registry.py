"""Forms of the registry pages in the workbench: search, reveal a full number, upload an import."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import ImportKind

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class SearchForm(forms.Form):
    class Kind:
        PEOPLE = "people"
        ENTERPRISES = "enterprises"

    kind = forms.ChoiceField(
        label=_("Search for"),
        choices=[(Kind.PEOPLE, _("people")), (Kind.ENTERPRISES, _("enterprises"))],
        initial=Kind.PEOPLE,
        widget=forms.RadioSelect,
    )
    q = forms.CharField(
        label=_("Name, phone or full ID number"),
        help_text=_("People: name, mobile phone or the full 18-character ID number. Enterprises: name or credit code."),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )

    def clean_q(self) -> str:
        value = self.cleaned_data["q"].strip()
        if len(value) < 2:
            raise forms.ValidationError(_("Enter at least 2 characters."))
        return value


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the full number?"),
        help_text=_("Recorded with your name and the time (personal information protection)."),
        min_length=4,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"min_length": _("Say why you need the full number (at least 4 characters).")},
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX exported from the social-insurance system, headers in English or Chinese; up to 20 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,.xlsx"}),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in {".csv", ".xlsx"}:
            raise forms.ValidationError(_("Choose a CSV or XLSX file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB: split it into smaller files."))
        return upload


class IdentityClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("I have seen the ID card: bind the account")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("What you checked"),
        help_text=_("For example: the ID card shown at the counter, its number and photo checked."),
        min_length=8,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"min_length": _("Say what you checked (at least 8 characters).")},
    )
