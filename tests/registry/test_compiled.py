"""registry.compiled runs a queryset's own statement, compiled once, with other values (ADR 0020): it must give
what the queryset gives, for every value, and refuse a sentinel it cannot place."""

from __future__ import annotations

import uuid

import pytest
from django.db.models import Q

from registry.compiled import SENTINEL_ID, SENTINEL_OTHER_ID, SENTINEL_YEAR, CompiledQuery
from registry.models import Enterprise, InsuranceYear

pytestmark = pytest.mark.django_db


def _years(enterprise_id, year):  # type: ignore[no-untyped-def]
    return InsuranceYear.objects.filter(enterprise_id=enterprise_id, year=year).select_related("enterprise__county")


def test_it_gives_what_the_queryset_gives_for_each_set_of_values(officer, make_enterprise) -> None:  # type: ignore[no-untyped-def]
    first = make_enterprise(officer)
    second = make_enterprise(officer, code="92654202MA7XK2B12N", county="654202")
    compiled = CompiledQuery(InsuranceYear, _years, SENTINEL_ID, SENTINEL_YEAR)
    for enterprise in (first, second, first):
        (row,) = compiled.instances(enterprise.pk, 2018)
        (expected,) = _years(enterprise.pk, 2018)
        assert (row.pk, row.ui_premiums_paid, row.enterprise.name, row.enterprise.county.code) == (
            expected.pk,
            expected.ui_premiums_paid,
            expected.enterprise.name,
            expected.enterprise.county.code,
        )
    assert compiled.instances(first.pk, 2017) == []


def test_values_come_as_the_values_queryset_gives_them(officer, make_enterprise) -> None:  # type: ignore[no-untyped-def]
    enterprise = make_enterprise(officer)
    build = lambda e, y: _years(e, y).order_by().values("year", "ui_premiums_paid", "in_arrears")  # noqa: E731
    compiled = CompiledQuery(InsuranceYear, build, SENTINEL_ID, SENTINEL_YEAR)
    assert compiled.values(enterprise.pk, 2018) == list(build(enterprise.pk, 2018))


def test_a_sentinel_it_cannot_place_once_is_refused() -> None:
    twice = CompiledQuery(
        Enterprise,
        lambda a, b: Enterprise.objects.filter(Q(pk=a) | Q(county_id=a) | Q(county_id=b)),
        SENTINEL_ID,
        SENTINEL_OTHER_ID,
    )
    with pytest.raises(ValueError, match="appears 2 times"):
        twice.instances(1, 2)


def test_a_uuid_goes_in_the_form_the_backend_compiled_it_in() -> None:
    """psycopg2 takes a UUID as it is; on SQLite (`make run`) Django writes it as 32 hex digits."""
    from registry.compiled import SENTINEL_UUID, _as_compiled

    token = uuid.uuid4()
    assert _as_compiled(SENTINEL_UUID, SENTINEL_UUID)(token) == token
    assert _as_compiled(SENTINEL_UUID, SENTINEL_UUID.hex)(str(token)) == token.hex
    assert _as_compiled(SENTINEL_UUID, "something else") is None
    assert _as_compiled(SENTINEL_ID, str(SENTINEL_ID)) is None  # an id compiled as text is not the id
