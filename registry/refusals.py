"""The one refusal of the domain: a change the rules do not allow.

Services in every app raise `Refused`; its message is for the person who asked, in their language, and `field`
names the form field it belongs next to (None: the whole form). Views put it on the form with
`portal.forms.refusal_on_form`, never by hand.
"""

from __future__ import annotations


class Refused(Exception):
    """A request the rules refuse; str() says why, for the person who asked; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
