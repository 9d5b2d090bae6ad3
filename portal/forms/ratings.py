"""Forms of 好差评 (subsidies.ratings): a rating, and the steps and the close of a bad rating's follow-up."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledForm
from subsidies.models import FollowUpOutcome, FollowUpStepKind
from subsidies.ratings import COMMENT_MAX, LEVEL_ORDER


class RatingForm(StyledForm):
    level = forms.TypedChoiceField(
        label=_("How were you served?"),
        choices=[(level.value, level.label) for level in LEVEL_ORDER],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the five levels.")},
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us (optional)"),
        # Interpolated when shown, in the reader's language: a lazy string's % is done at import, in Chinese.
        help_text=lazy(
            lambda: _("At most %(n)s characters. Do not write your ID number or bank account.") % {"n": COMMENT_MAX},
            str,
        )(),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CounterRatingForm(RatingForm):
    level = forms.TypedChoiceField(
        label=_("The applicant's rating"),
        choices=[(level.value, level.label) for level in LEVEL_ORDER],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the five levels.")},
    )
    comment = forms.CharField(
        label=_("The applicant's comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowUpStepForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("What was done"),
        choices=[(k.value, k.label) for k in (FollowUpStepKind.CONTACT, FollowUpStepKind.VERIFY)],
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("When and how, what the person said, what the file shows."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FollowUpCloseForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FollowUpOutcome.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("What we tell the person"),
        help_text=_("The person reads this on their case's page and by text message."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
