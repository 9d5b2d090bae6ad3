"""The progress lookup without an account (/progress/): a reference number and the phone or credit code given on
the application."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledForm
from registry.identifiers import normalise_credit_code
from subsidies.notifications import normalise_phone

REFERENCE_RE = re.compile(r"^[A-Z0-9]{1,10}(-[A-Z0-9]{1,10}){1,4}$")
CREDIT_CODE_RE = re.compile(r"^[0-9A-Z]{18}$")


class ProgressForm(StyledForm):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=40,
        help_text=_("As on the confirmation page or in the text message, for example SY-654201-2019-000001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    contact = forms.CharField(
        label=_("Mobile phone or credit code"),
        max_length=40,
        help_text=_(
            "The mobile phone number given on the application, or, for an enterprise, its 18-character unified "
            "social credit code."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_reference(self) -> str:
        reference = "".join(self.cleaned_data["reference"].split()).upper()
        if not REFERENCE_RE.match(reference):
            raise forms.ValidationError(_("Enter the reference number as it is written, with its hyphens."))
        return reference

    def clean_contact(self) -> str:
        """A mainland mobile number ("139 9901 2345", "+86...") or a credit code, normalised as stored."""
        typed = self.cleaned_data["contact"]
        phone = normalise_phone(typed)
        if phone:
            return phone
        code = normalise_credit_code(typed)
        if CREDIT_CODE_RE.match(code):
            return code
        raise forms.ValidationError(
            _("Enter an 11-digit mobile phone number, or an 18-character unified social credit code.")
        )
