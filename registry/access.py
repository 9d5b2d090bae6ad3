"""One access helper per model: who may see which registry records (county scoping).

A county caseworker sees the records of their own county only; another county's record is a 404, never a 403, so
its existence is not revealed. Users with portal.view_all_counties (officers, auditors) see every county.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from registry.models import Enterprise, Person

VIEW_ALL_PERMISSION = "portal.view_all_counties"


def sees_all_counties(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_perm(VIEW_ALL_PERMISSION)))


def people_for_user(user: Any) -> QuerySet[Person]:
    people = Person.objects.select_related("residence_county")
    if sees_all_counties(user):
        return people
    county_id = getattr(user, "county_id", None)
    return people.filter(residence_county_id=county_id) if county_id else people.none()


def enterprises_for_user(user: Any) -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.select_related("county")
    if sees_all_counties(user):
        return enterprises
    county_id = getattr(user, "county_id", None)
    return enterprises.filter(county_id=county_id) if county_id else enterprises.none()


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
