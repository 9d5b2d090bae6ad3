"""Sign-in names people actually use: a resident types the mobile number they signed up with (with or without +86,
spaces or dashes) or their ID number; staff and enterprise clerks type their user name."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import CharField, OuterRef, QuerySet, Value
from django.db.models.functions import Concat
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


def _with_access(users: QuerySet[User]) -> QuerySet[User]:
    """The users with their role names and permissions as arrays, in the same SELECT (PostgreSQL)."""

    def names(permissions: QuerySet[Permission]) -> QuerySet[Permission]:
        full = Concat("content_type__app_label", Value("."), "codename", output_field=CharField())
        return permissions.annotate(full=full).values("full")

    return users.annotate(
        access_roles=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name")),
        access_own=ArraySubquery(names(Permission.objects.filter(user=OuterRef("pk")))),
        access_inherited=ArraySubquery(names(Permission.objects.filter(group__user=OuterRef("pk")))),
    )


def _keep_access(user: Any, roles: Iterable[str], own: Iterable[str], inherited: Iterable[str]) -> None:
    """Fill the caches the rest of the request reads: `_role_names` (portal.models.User.role_names) and Django's
    `_user_perm_cache` / `_group_perm_cache` / `_perm_cache` (ModelBackend); a superuser's permissions and an
    inactive user's are left to Django."""
    user._role_names = set(roles)
    if user.is_active and not user.is_superuser and not hasattr(user, "_perm_cache"):
        user._user_perm_cache = set(own)
        user._group_perm_cache = set(inherited)
        user._perm_cache = user._user_perm_cache | user._group_perm_cache


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
    _keep_access(
        user,
        roles=(a for kind, a, _b in rows if kind == "role"),
        own=(f"{a}.{b}" for kind, a, b in rows if kind == "user"),
        inherited=(f"{a}.{b}" for kind, a, b in rows if kind == "group"),
    )


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

    def get_user(self, user_id: Any) -> User | None:
        """The session's user, as ModelBackend loads it; on PostgreSQL with their roles and permissions in the same
        query (every signed-in request asks for them: the two-factor guard, then the view)."""
        users = User._default_manager.filter(pk=user_id)
        postgresql = connections[users.db].vendor == "postgresql"
        try:
            user = (_with_access(users) if postgresql else users).get()
        except User.DoesNotExist:
            return None
        if postgresql:
            _keep_access(user, roles=user.access_roles, own=user.access_own, inherited=user.access_inherited)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        # One query for the roles and both kinds of permissions (user_access_load), not ModelBackend's two.
        if obj is None and user_obj.is_active and not user_obj.is_anonymous and not user_obj.is_superuser:
            user_access_load(user_obj)
        return super().get_all_permissions(user_obj, obj)
