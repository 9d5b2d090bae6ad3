"""The one access rule of the back office: who sees which county, and who may decide there.

A county caseworker sees and decides their own county's records only; officers and auditors (permission
`VIEW_ALL_COUNTIES`) see every county. A record outside the user's scope is a 404, never a 403, so its existence is
not revealed. Every app scopes through `county_scope` and checks decisions through `may_decide`; nothing else
filters by the user's county.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from registry.models import County, Enterprise, Person
from registry.permissions import DECIDE_CASE, VIEW_ALL_COUNTIES


def sees_all_counties(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_perm(VIEW_ALL_COUNTIES)))


def in_users_county(user: Any, county_id: int | None) -> bool:
    """May this back-office user see a record of this county?"""
    if sees_all_counties(user):
        return True
    own = getattr(user, "county_id", None)
    return own is not None and own == county_id


def county_scope(user: Any, queryset: QuerySet[Any], *fields: str) -> QuerySet[Any]:
    """The rows of `queryset` the user may see: all for officers and auditors, else those whose county (any of the
    `fields`, e.g. "county" or "case__county") is the user's own; nothing for a staff user with no county."""
    if sees_all_counties(user):
        return queryset
    county_id = getattr(user, "county_id", None)
    if not county_id:
        return queryset.none()
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}_id": county_id})
    return queryset.filter(condition)


def county_or_prefecture_scope(user: Any, queryset: QuerySet[Any], field: str) -> QuerySet[Any]:
    """Like `county_scope`, for records that belong to one county or to the whole prefecture (`field` empty, e.g. a
    prefecture-wide public-notice list): a caseworker sees their county's and the prefecture's."""
    if sees_all_counties(user):
        return queryset
    county_id = getattr(user, "county_id", None)
    if not county_id:
        return queryset.none()
    return queryset.filter(Q(**{f"{field}_id": county_id}) | Q(**{f"{field}__isnull": True}))


def may_decide(user: Any, county_id: int | None) -> bool:
    """May this user decide a case (or a request) of this county?"""
    return bool(user.is_authenticated and user.has_perm(DECIDE_CASE) and in_users_county(user, county_id))


def counties_for_user(user: Any) -> QuerySet[County]:
    """The counties whose records the user sees: all of them, or their own."""
    counties = County.objects.order_by("code")
    if sees_all_counties(user):
        return counties
    county_id = getattr(user, "county_id", None)
    return counties.filter(pk=county_id) if county_id else counties.none()


def people_for_user(user: Any) -> QuerySet[Person]:
    return county_scope(user, Person.objects.select_related("residence_county"), "residence_county")


def enterprises_for_user(user: Any) -> QuerySet[Enterprise]:
    return county_scope(user, Enterprise.objects.select_related("county"), "county")


def get_person_for_user(user: Any, pk: int) -> Person:
    try:
        return people_for_user(user).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("no such person") from None


def get_enterprise_for_user(user: Any, pk: int) -> Enterprise:
    try:
        return enterprises_for_user(user).get(pk=pk)
    except Enterprise.DoesNotExist:
        raise Http404("no such enterprise") from None
