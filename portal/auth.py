"""Sign-in names people actually use: a resident types the mobile number they signed up with (with or without +86,
spaces or dashes) or their ID number; staff and enterprise clerks type their user name."""

from __future__ import annotations

import functools
import re
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db.models import CharField, Value
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


# --- Roles and permissions of the signed-in user: one query per request ------------------------------------------


def _access_rows(user: Any) -> list[tuple[str, str, str]]:
    """Role names, the user's own permissions and their groups' permissions as (kind, a, b) rows: one statement."""
    kind = functools.partial(Value, output_field=CharField())
    roles = Group.objects.filter(user=user.pk).values_list(kind("role"), "name", kind(""))
    own = Permission.objects.filter(user=user.pk).values_list(kind("user"), "content_type__app_label", "codename")
    inherited = Permission.objects.filter(group__user=user.pk).values_list(
        kind("group"), "content_type__app_label", "codename"
    )
    return list(roles.order_by().union(own.order_by(), inherited.order_by(), all=True))


def user_access_load(user: Any) -> None:
    """Read a signed-in user's roles and permissions with one query, into the caches that already hold them for the
    rest of the request: `_role_names` (portal.models.User.role_names: the two-factor guard asks on every request)
    and Django's `_user_perm_cache` / `_group_perm_cache` / `_perm_cache` (ModelBackend: every view's has_perm).

    Without it a signed-in request reads the groups, then the user's permissions, then the groups' permissions:
    three round trips. Nothing is kept beyond the request (the user object is loaded afresh from the session each
    time), so a role taken away is gone on the very next request. A superuser's permissions are left to Django
    (every permission, which has_perm does not even look at).
    """
    if hasattr(user, "_role_names") and (hasattr(user, "_perm_cache") or user.is_superuser or not user.is_active):
        return
    rows = _access_rows(user)
    user._role_names = {a for kind, a, _b in rows if kind == "role"}
    if user.is_active and not user.is_superuser and not hasattr(user, "_perm_cache"):
        own = {f"{a}.{b}" for kind, a, b in rows if kind == "user"}
        inherited = {f"{a}.{b}" for kind, a, b in rows if kind == "group"}
        user._user_perm_cache = own
        user._group_perm_cache = inherited
        user._perm_cache = own | inherited


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

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        # One query for the roles and both kinds of permissions (user_access_load), not ModelBackend's two.
        if obj is None and user_obj.is_active and not user_obj.is_anonymous and not user_obj.is_superuser:
            user_access_load(user_obj)
        return super().get_all_permissions(user_obj, obj)
