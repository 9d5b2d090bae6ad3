from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.refusals import Refused


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}),
    )

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the six digits shown in your authenticator app."))
        return token


def refusal_on_form(form: forms.BaseForm, refused: Refused) -> None:
    """Put a refusal of the domain on the form: next to `refused.field` when the form has that field, else at the
    top of the form (a non-field error)."""
    form.add_error(refused.field if refused.field in form.fields else None, str(refused))


class SubmitForm(forms.Form):
    """A submit button's form: a token made when the page was shown, so a double click or a retried POST makes
    one case."""

    token = forms.UUIDField(widget=forms.HiddenInput)
