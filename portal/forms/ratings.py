"""Forms of 好差评 (subsidies.ratings): a rating, and the steps and the close of a bad rating's follow-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledForm, refusal_on_form
from registry.refusals import Refused
from subsidies import ratings
from subsidies.models import Case, FollowUpOutcome, FollowUpStepKind
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

    def record(self, *, case: Case, channel: str, actor: Any) -> bool:
        """Record the rating this form gives (subsidies.ratings.rating_record, whichever the channel). False when
        the form is invalid or the rating is refused: the reason is then on the form."""
        if not self.is_valid():
            return False
        try:
            ratings.rating_record(
                case=case,
                level=self.cleaned_data["level"],
                comment=self.cleaned_data["comment"],
                channel=channel,
                actor=actor,
            )
        except Refused as refused:
            refusal_on_form(self, refused)
            return False
        return True


class CounterRatingForm(RatingForm):
    """The same rating, recorded by a caseworker at the counter: labelled for them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].label = _("The applicant's rating")
        comment = self.fields["comment"]
        comment.label = _("The applicant's comment (optional)")
        comment.help_text = ""
        comment.widget.attrs["rows"] = 2


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
