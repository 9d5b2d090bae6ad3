"""Issue 7, point 7: every claim appears in the person's real-name file with its amount — an internship claim （五）
made by the host enterprise included — without becoming the intern's own application."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from subsidies.cases import claims

pytestmark = pytest.mark.django_db

ID_1998 = "654202199807080021"  # a POLICY.md test number, born 1998-07-08: make_intern_claim's intern


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_it_lists_the_internship_claim_in_the_interns_file_but_not_among_the_interns_services(  # type: ignore[no-untyped-def]
    officer,
    caseworker,
    client_for,
    approve_internship_base,
    claim_and_approve,
    make_enterprise,
    make_intern_claim,
    make_resident,
    applicant_for,
):
    resident, intern = make_resident(ID_1998, name="阿依古丽·买买提", county_code="654201")
    host = make_enterprise(officer)
    owner, _owner_client = applicant_for(host, "host")
    approve_internship_base(owner, host, caseworker)
    case = make_intern_claim(owner, host)
    case = claim_and_approve(claims.claim_submit(case=case, token=uuid.uuid4(), actor=owner), caseworker)
    assert case.person == intern and case.enterprise == host
    amount = f"{case.approved_amount:.2f}"

    file_page = client_for(caseworker).get(f"/workbench/registry/people/{intern.pk}/").content.decode()
    table = file_page.split('data-testid="person-cases"')[1].split("</table>")[0]
    assert case.reference in table and amount in table and host.name in table

    mine = signed_in(resident)
    services = mine.get("/apply/services/")
    assert services.status_code == 200 and case.reference not in services.content.decode()
    assert case.reference not in mine.get("/apply/claims/").content.decode()
    assert mine.get(f"/apply/services/cases/{case.pk}/").status_code == 404
    assert mine.get(f"/apply/claims/{case.pk}/").status_code == 404


def test_it_names_the_new_intern_when_the_host_corrects_the_id_number(
    officer, make_enterprise, make_intern_claim, applicant_for
) -> None:  # type: ignore[no-untyped-def]
    host = make_enterprise(officer)
    owner, _client = applicant_for(host, "host")
    case = make_intern_claim(owner, host)
    first = case.person
    case = make_intern_claim(owner, host, id_number="654201198503150018", intern_name="王建国", case=case)
    assert case.person != first and case.person == case.placement.intern
