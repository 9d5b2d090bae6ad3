from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.refusals import Refused


def refusal_on_form(form: forms.BaseForm, refused: Refused) -> None:
    """Put a refusal of the domain on the form: next to `refused.field` when the form has that field, else at the
    top of the form (a non-field error)."""
    form.add_error(refused.field if refused.field in form.fields else None, str(refused))


class SubmitForm(forms.Form):
    """A submit button's form: a token made when the page was shown, so a double click or a retried POST makes
    one case."""

    token = forms.UUIDField(widget=forms.HiddenInput)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (a phone gets full-size inputs), and the error/hint ids screen readers
    follow: `aria-describedby` names only ids the page has (includes/field.html renders them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}_hint"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            field = self.fields.get(name)
            if field is None or isinstance(field.widget, forms.RadioSelect):
                continue
            attrs = field.widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["class"] = attrs.get("class", "") + " is-invalid"
            attrs["aria-describedby"] = " ".join(filter(None, [attrs.get("aria-describedby"), f"id_{name}_error"]))


class TokenForm(StyledForm):
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
