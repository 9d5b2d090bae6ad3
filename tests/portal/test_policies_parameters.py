"""Back office /workbench/parameters/: history for staff, new dated values for officers only, audited."""

from __future__ import annotations

from datetime import date

import pytest

from registry.models import AuditEvent
from subsidies.models import Parameter

pytestmark = pytest.mark.django_db

KEY = "ui_benefit.monthly_amount"
ADD = f"/workbench/parameters/{KEY}/add/"
NEW = {"value": "1500.00", "valid_from": "2020-01-01", "source": "新人社发〔2019〕12号", "note": "annual review"}


def test_staff_see_every_parameter_with_its_value_in_force(client_for, caseworker):
    html = client_for(caseworker).get("/workbench/parameters/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ui_benefit.monthly_amount" in html
    assert "1386.00" in html
    assert "sample" in html


def test_an_applicant_cannot_open_the_parameters(client_for, make_user):
    from portal.roles import Role

    resident = make_user(Role.RESIDENT_APPLICANT)
    assert client_for(resident).get("/workbench/parameters/").status_code == 403


def test_an_officer_adds_a_dated_value_that_closes_the_previous_one_and_is_audited(client_for, officer):
    client = client_for(officer)
    response = client.post(ADD, NEW)
    assert response.status_code == 302
    rows = list(Parameter.objects.filter(key=KEY).order_by("valid_from"))
    assert [(r.value, r.valid_from, r.valid_to) for r in rows] == [
        ("1386.00", date(2019, 1, 1), date(2019, 12, 31)),
        ("1500.00", date(2020, 1, 1), None),
    ]
    assert rows[1].created_by == officer
    assert AuditEvent.objects.filter(action="parameter.add", actor=officer, target_id=str(rows[1].pk)).exists()
    html = client.get(f"/workbench/parameters/{KEY}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2019-12-31" in html and "1500.00" in html


def test_a_caseworker_and_an_auditor_cannot_add_a_value(client_for, caseworker, auditor):
    for user in (caseworker, auditor):
        assert client_for(user).post(ADD, NEW).status_code == 403
    assert Parameter.objects.filter(key=KEY).count() == 1


def test_a_value_dated_into_the_past_is_refused_next_to_the_field(client_for, officer):
    response = client_for(officer).post(ADD, {**NEW, "valid_from": "2019-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "history is never rewritten" in response.content.decode()
    assert Parameter.objects.filter(key=KEY).count() == 1


def test_a_value_of_the_wrong_type_is_refused(client_for, officer):
    response = client_for(officer).post(ADD, {**NEW, "value": "lots"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Enter a number" in response.content.decode()
    assert not AuditEvent.objects.filter(action="parameter.add").exists()


def test_an_unknown_parameter_is_404(client_for, officer):
    assert client_for(officer).get("/workbench/parameters/no.such.key/").status_code == 404
