"""What the audit trail of an import answers after the write path was made leaner (ADR 0009): who changed which
record, when, from what to what — for every imported record, found by record, by person and in the admin's list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.roles import Role
from registry.audit import audit_trail
from registry.imports import import_file
from registry.models import AuditEvent, InsuranceYear
from tests.registry.test_import_set_based import INSURANCE_HEADER, as_csv, credit_code, enterprises, insurance_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported_twice(officer):  # type: ignore[no-untyped-def]
    """Three enterprises' insurance imported by an officer, then again with the second one's premiums changed."""
    import_file("enterprises", as_csv(enterprises(3)), "e.csv", actor=officer)
    first = [INSURANCE_HEADER, insurance_row(0), insurance_row(1), insurance_row(2)]
    import_file("insurance", as_csv(first), "i.csv", actor=officer)
    second = [INSURANCE_HEADER, insurance_row(0), insurance_row(1, ui_premiums_paid="13000.00"), insurance_row(2)]
    result = import_file("insurance", as_csv(second), "i.csv", actor=officer)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    return InsuranceYear.objects.get(enterprise__credit_code=credit_code(1))


def test_a_records_trail_says_who_changed_it_when_and_from_what_to_what(imported_twice, officer) -> None:  # type: ignore[no-untyped-def]
    created, changed = audit_trail(imported_twice).order_by("occurred_at", "id")
    assert (created.actor, created.before, created.after["ui_premiums_paid"]) == (officer, None, "12000.50")
    assert (changed.actor, changed.before["ui_premiums_paid"], changed.after["ui_premiums_paid"]) == (
        officer,
        "12000.50",
        "13000.00",
    )
    assert created.occurred_at <= changed.occurred_at


def test_everything_an_officer_imported_is_found_by_who_did_it(imported_twice, officer, make_user) -> None:  # type: ignore[no-untyped-def]
    import_file("enterprises", as_csv(enterprises(4)), "e.csv", actor=None)  # the system's own import: no actor
    colleague = make_user(Role.PREFECTURE_OFFICER)
    assert AuditEvent.objects.filter(actor=officer, action="insurance_year_import").count() == 3 + 1
    assert AuditEvent.objects.filter(actor=officer, action="enterprise_import").count() == 3
    assert not AuditEvent.objects.filter(actor=colleague).exists()
    assert AuditEvent.objects.filter(actor=None, action="enterprise_import").count() == 1


def test_the_admins_audit_list_shows_the_newest_change_first_to_a_prefecture_auditor(  # type: ignore[no-untyped-def]
    imported_twice, make_user, client_for
) -> None:
    superuser = make_user(Role.PREFECTURE_OFFICER)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    response = client_for(superuser).get(
        reverse("admin:registry_auditevent_changelist"), {"action__exact": "insurance_year_import"}
    )
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert len(listed) == 3 + 1
    assert (listed[0].target_id, listed[0].before["ui_premiums_paid"]) == (str(imported_twice.pk), "12000.50")
    assert all(event.before is None for event in listed[1:])
