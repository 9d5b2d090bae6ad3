"""Sign-in names people actually use: a resident types the mobile number they signed up with (with or without +86,
spaces or dashes) or their ID number; staff and enterprise clerks type their user name."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from portal.models import ResidentAccount, User
from registry.identifiers import parse_id_number
from registry.services import person_find_by_id_number

# The backend a view names when it signs in an account it just created (settings.AUTHENTICATION_BACKENDS).
SIGN_IN_BACKEND = "portal.auth.PhoneOrIdNumberBackend"

_SEPARATORS = re.compile(r"[\s\-()（）]")
_PHONE = re.compile(r"^(?:\+?86)?(1\d{10})$")


def normalise_phone(typed: str) -> str | None:
    """"+86 139 9901 2345", "139-9901-2345" -> "13999012345"; None when it is no mainland mobile number."""
    match = _PHONE.match(_SEPARATORS.sub("", typed or ""))
    return match.group(1) if match else None


def sign_in_user(typed: str) -> User | None:
    """The account a typed sign-in name means: a user name, a mobile number, or a resident's ID number."""
    typed = (typed or "").strip()
    exact = User.objects.filter(username=typed).first()
    if exact is not None:
        return exact
    compact = _SEPARATORS.sub("", typed)
    number = normalise_phone(compact)
    if number:
        return User.objects.filter(username=number).first() or User.objects.filter(phone=number).first()
    try:
        parse_id_number(compact.upper())
    except ValidationError:
        return None
    person = person_find_by_id_number(compact.upper())
    if person is None:
        return None
    account = ResidentAccount.objects.filter(person=person).select_related("user").first()
    return account.user if account is not None else None


class PhoneOrIdNumberBackend(ModelBackend):
    """Django's model backend, with the sign-in name resolved by `sign_in_user` first."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None or password is None:
            return None
        user = sign_in_user(username)
        if user is None:
            User().set_password(password)  # the same work as a real check: no timing difference
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
