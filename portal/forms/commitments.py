"""Forms of 告知承诺制 (subsidies.commitments): signing a commitment, recording a post-check, the dated table."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledForm
from subsidies.commitments import ITEM_LABELS
from subsidies.forms import DateInput
from subsidies.models import CaseKind


class CommitmentSignForm(StyledForm):
    agree = forms.BooleanField(
        label=_("I have read the commitment above and I promise what it says."),
        error_messages={"required": _("Tick the box to make the commitment, or go back and upload the document.")},
    )
    signed_name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=100,
        help_text=_("As on your ID card. Typing it is your signature."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Type your full name to sign.")},
    )


class CommitmentCheckForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("What did the check find?"),
        choices=[
            ("confirmed", _("The commitment is true")),
            ("false", _("The commitment is false: revoke the decision")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the check found.")},
    )
    note = forms.CharField(
        label=_("How it was checked and what was found"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant reads this if the decision is revoked."),
        error_messages={"required": _("Say what the check found.")},
    )


class CommitmentItemForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of case"), choices=CaseKind.choices)
    purpose = forms.ChoiceField(label=_("Evidence item a commitment may replace"), choices=())
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(
        label=_("Valid to"), widget=DateInput, required=False, help_text=_("Empty: in force until changed.")
    )
    source = forms.CharField(
        label=_("Source"), max_length=200, help_text=_("The document that allows it, e.g. 国办发〔2020〕42号.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [(key, str(label)) for key, label in ITEM_LABELS.items()]


class CommitmentItemEndForm(StyledForm):
    valid_to = forms.DateField(label=_("Last day"), widget=DateInput)
