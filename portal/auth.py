"""Sign-in names people actually use: a resident types the mobile number they signed up with (with or without +86,
spaces or dashes) or their ID number; staff and enterprise clerks type their user name."""

from __future__ import annotations

import functools
import re
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import CharField, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Concat
from django.http import HttpRequest

from portal.models import EnterpriseMembership, ResidentAccount, User
from registry.identifiers import parse_id_number
from registry.services import person_find_by_id_number

# The backend a view names when it signs in an account it just created (settings.AUTHENTICATION_BACKENDS).
SIGN_IN_BACKEND = "portal.auth.PhoneOrIdNumberBackend"

_SEPARATORS = re.compile(r"[\s\-()（）]")
_PHONE = re.compile(r"^(?:\+?86)?(1\d{10})$")


def normalise_phone(typed: str) -> str | None:
    """ "+86 139 9901 2345", "139-9901-2345" -> "13999012345"; None when it is no mainland mobile number."""
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


# --- The session's user with their roles and permissions: one query per request -------------------------------

_SENTINEL_PK = -7_654_321  # stands for the user's id in the SQL built once per database


def _with_access(users: QuerySet[User]) -> QuerySet[User]:
    """The users with their role names and permissions as arrays, in the same SELECT (PostgreSQL); and for an
    enterprise clerk, the enterprises they act for (memberships in force, portal.access) and whether their email
    address is confirmed (whether they may submit), which every page of theirs asks."""

    def names(permissions: QuerySet[Permission]) -> QuerySet[Permission]:
        full = Concat("content_type__app_label", Value("."), "codename", output_field=CharField())
        return permissions.order_by().annotate(full=full).values("full")

    return users.annotate(
        access_roles=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).order_by().values("name")),
        access_own=ArraySubquery(names(Permission.objects.filter(user=OuterRef("pk")))),
        access_inherited=ArraySubquery(names(Permission.objects.filter(group__user=OuterRef("pk")))),
        access_acting=ArraySubquery(
            EnterpriseMembership.objects.in_force().filter(user=OuterRef("pk")).order_by().values("enterprise_id")
        ),
        access_email_confirmed=Exists(
            EnterpriseMembership.objects.filter(user=OuterRef("pk"), email_confirmed_at__isnull=False)
        ),
    )


@functools.cache
def _user_with_access_sql(alias: str) -> tuple[str, tuple[Any, ...], int]:
    """The SQL of `_with_access` for one user, compiled once per process and database (compiling three array
    subqueries on every request cost more than the round trips it saves): (sql, params, index of the user's id)."""
    sql, params = _with_access(User._default_manager.db_manager(alias).filter(pk=_SENTINEL_PK)).query.sql_with_params()
    return sql, tuple(params), list(params).index(_SENTINEL_PK)


def _user_with_access(alias: str, pk: Any) -> User | None:
    sql, params, at = _user_with_access_sql(alias)
    bound = [*params[:at], pk, *params[at + 1 :]]
    user = next(iter(User._default_manager.db_manager(alias).raw(sql, bound)), None)
    if user is None:
        return None
    # The caches the rest of the request reads: `_role_names` (portal.models.User.role_names, which the two-factor
    # guard asks on every request) and ModelBackend's permission caches (every view's has_perm). A superuser's
    # permissions and an inactive user's are left to Django, as before.
    user._role_names = set(user.access_roles)
    # Read by portal.access (the cases and enterprises the account may see) and portal.services_accounts
    # (email_confirmed) instead of a query of the memberships each.
    user._acting_enterprise_ids = list(user.access_acting)
    user._email_confirmed = user.access_email_confirmed
    if user.is_active and not user.is_superuser:
        user._user_perm_cache = set(user.access_own)
        user._group_perm_cache = set(user.access_inherited)
        user._perm_cache = user._user_perm_cache | user._group_perm_cache
    return user


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
        query (every signed-in request asks for them: the two-factor guard, then the view), instead of a query each
        for the user, their groups, their own permissions and their groups' permissions. Nothing is kept beyond the
        request: a role taken away is gone on the next one."""
        alias = router.db_for_read(User)
        if connections[alias].vendor != "postgresql":
            return super().get_user(user_id)
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = _user_with_access(alias, pk)
        return user if user is not None and self.user_can_authenticate(user) else None
