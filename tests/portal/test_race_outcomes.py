"""The loser of a race is sent to the case with a sentence saying who decided it (issue 16, point 6).

Two tabs of one caseworker deciding, two members of one enterprise submitting, a resident's double click: the first
request wins in the database; the other sees what happened instead of a bare refusal."""

from __future__ import annotations

import threading
import uuid

import psycopg2
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from portal.roles import Role
from registry.models import Person
from subsidies.cases import workflow
from subsidies.models import Case, CaseKind, CaseState


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.django_db
def test_a_second_tab_deciding_a_decided_case_is_told_who_decided_it(
    make_user, caseworker, officer, make_enterprise, submit_refund, client_for
) -> None:
    case = submit_refund(make_user(Role.ENTERPRISE_APPLICANT), make_enterprise(officer))
    workflow.case_take(case=case, actor=caseworker)
    first_tab, second_tab = client_for(caseworker), client_for(caseworker)
    assert first_tab.post(reverse("workbench:approve-case", args=[case.pk]), {}).status_code == 302

    response = second_tab.post(
        reverse("workbench:reject-case", args=[case.pk]), {"reject-reason": "材料不全"}, follow=True
    )

    assert response.redirect_chain == [(reverse("workbench:case", args=[case.pk]), 302)]
    text = _messages(response)
    assert "未作任何更改" in text and "已批准" in text and "你" in text
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED and case.decision_reason == ""


@pytest.mark.django_db
def test_the_second_member_of_an_enterprise_to_submit_is_told_who_submitted_it(
    officer, make_enterprise, applicant_for, make_intern_claim, approve_internship_base, caseworker
) -> None:
    host = make_enterprise(officer)
    first, first_client = applicant_for(host, "first")
    _second, second_client = applicant_for(host, "second")
    approve_internship_base(first, host, caseworker)
    case = make_intern_claim(first, host)
    check = reverse("enterprise_claims:check", args=[case.pk])
    assert first_client.post(check, {"token": str(uuid.uuid4())}).status_code == 302

    response = second_client.post(check, {"token": str(uuid.uuid4())}, follow=True)

    assert response.redirect_chain[0] == (reverse("apply:case", args=[case.pk]), 302)
    text = _messages(response)
    assert "Nothing was changed" in text and "submitted by first" in text.lower()
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_a_double_click_on_a_residents_claim_lands_both_clicks_on_the_one_claim(
    make_resident, training_form_data
) -> None:
    user, person = make_resident()
    posted = training_form_data()
    params = connection.settings_dict
    holder = psycopg2.connect(
        dbname=params["NAME"], user=params["USER"], host=params["HOST"] or "127.0.0.1", port=params["PORT"] or 5432
    )
    responses: list = []

    def click() -> None:
        client = Client()
        client.force_login(user)
        responses.append(client.post("/apply/claims/training/", posted))
        connection.close()

    with holder.cursor() as cursor:  # hold the person: both clicks pass the token check, then wait for the lock
        cursor.execute(f"SELECT id FROM {Person._meta.db_table} WHERE id = %s FOR UPDATE", [person.pk])  # noqa: S608
        clicks = [threading.Thread(target=click) for _ in range(2)]
        for thread in clicks:
            thread.start()
        deadline = 0
        while deadline < 200:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0] >= 2:
                break
            threading.Event().wait(0.1)
            deadline += 1
    holder.rollback()
    holder.close()
    for thread in clicks:
        thread.join(timeout=30)

    training = Case.objects.get(person=person, kind=CaseKind.TRAINING_SUBSIDY)
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {reverse("claims:claim", args=[training.pk])}
