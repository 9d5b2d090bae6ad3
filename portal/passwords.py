"""Password rules worded in the portal's own catalogue: Django 5.2 rephrased its minimum-length message and its
Simplified Chinese catalogue does not have the new words, so a Chinese page showed English."""

from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils.translation import gettext as _


class MinimumLength(MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("This password is too short: use at least %(n)s characters.") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("Use at least %(n)s characters.") % {"n": self.min_length}
