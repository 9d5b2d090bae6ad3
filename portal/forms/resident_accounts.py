from __future__ import annotations

import re

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.auth import normalise_phone
from portal.forms import StyledForm
from registry.identifiers import parse_id_number
from registry.models import County

PHONE = re.compile(r"^1[3-9]\d{9}$")


class ResidentSignupForm(StyledForm):
    name = forms.CharField(
        label=pgettext_lazy("person", "Name"),
        max_length=60,
        help_text=_("As on your ID card; minority names keep the middle dot (·)."),
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=22,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    residence_county = forms.ModelChoiceField(
        label=_("County where you live now"),
        queryset=County.objects.filter(valid_to__isnull=True),
        help_text=_("Your place of habitual residence, which may differ from your household registration."),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,  # "+86 139 9901 2345" fits; it is cleaned to 11 digits
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
        help_text=_("We text a six-digit code to it."),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits."),
    )

    def clean_id_number(self) -> str:
        return parse_id_number(self.cleaned_data["id_number"]).number

    def clean_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data["phone"]) or self.cleaned_data["phone"].strip()
        if not PHONE.match(phone):
            raise ValidationError(_("Enter an 11-digit mobile number starting with 1, like 13912345678."))
        return phone

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password"):
            try:
                password_validation.validate_password(data["password"])
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class PhoneCodeForm(StyledForm):
    code = forms.CharField(
        label=_("Six-digit code from the text message"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
