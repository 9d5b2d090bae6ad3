"""（一） The hardship list's review pages: the holder records the finding on each factor beside the registry's facts,
a prefecture officer the finance bureau's confirmation; others are refused."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from portal.roles import Role
from subsidies.cases import workflow
from subsidies.models import Case, CaseKind, CaseState
from tests.conftest import HARDSHIP_FINDINGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(make_user, caseworker, officer, make_enterprise):
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    ent = make_enterprise(officer)
    case = workflow.case_draft_start(kind=CaseKind.HARDSHIP_RECOGNITION, enterprise=ent, year=2019, actor=applicant)
    workflow.case_draft_save(case=case, answers={"situation": "订单下降"}, actor=applicant)
    case = workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    return workflow.case_take(case=case, actor=caseworker)


def assessment_data(**overrides):
    data = {}
    for key, value in HARDSHIP_FINDINGS.items():
        data[f"{key}_finding"], data[f"{key}_note"] = value["finding"], value["note"]
    data.update(overrides)
    return data


def test_一_the_holder_assesses_each_factor_beside_the_registry_facts(in_review, caseworker, client_for) -> None:
    client = client_for(caseworker)
    url = reverse("workbench:hardship-assess", args=[in_review.pk])
    page = client.get(url).content.decode()
    assert "产业结构" in page and "诚实守信" in page and 'name="credit_note"' in page
    response = client.post(url, assessment_data(credit_note=""))
    assert response.status_code == 400 and 'id="id_credit_note_error"' in response.content.decode()
    assert "assessment" not in Case.objects.get(pk=in_review.pk).answers
    assert client.post(url, assessment_data()).status_code == 302
    case_page = client.get(reverse("workbench:case", args=[in_review.pk])).content.decode()
    assert 'data-testid="hardship-facts"' in case_page and 'data-testid="hardship-assessment"' in case_page
    assert "经核实" in case_page


def test_一_approval_without_the_finance_confirmation_is_refused_on_the_page(in_review, caseworker, client_for) -> None:
    client = client_for(caseworker)
    client.post(reverse("workbench:hardship-assess", args=[in_review.pk]), assessment_data())
    response = client.post(reverse("workbench:approve-case", args=[in_review.pk]), {"approve-amount": ""})
    assert response.status_code == 400
    assert "财政局" in response.content.decode()
    assert Case.objects.get(pk=in_review.pk).state == CaseState.IN_REVIEW


def test_一_a_prefecture_officer_records_the_finance_confirmation(in_review, caseworker, officer, client_for) -> None:
    client_for(caseworker).post(reverse("workbench:hardship-assess", args=[in_review.pk]), assessment_data())
    url = reverse("workbench:hardship-finance", args=[in_review.pk])
    officer_client = client_for(officer)
    bad = officer_client.post(url, {"document": "", "confirmed_on": "2019-06-03", "confirmed_by": "李明"})
    assert bad.status_code == 400 and 'id="id_document_error"' in bad.content.decode()
    data = {"document": "塔地财函〔2019〕1号", "confirmed_on": "2019-06-03", "confirmed_by": "李明"}
    assert officer_client.post(url, data).status_code == 302
    assert Case.objects.get(pk=in_review.pk).answers["finance_confirmation"]["document"] == "塔地财函〔2019〕1号"


def test_一_others_cannot_assess_or_confirm(in_review, caseworker_wusu, make_user, client_for) -> None:
    colleague = make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="colleague")
    assess = reverse("workbench:hardship-assess", args=[in_review.pk])
    finance = reverse("workbench:hardship-finance", args=[in_review.pk])
    assert client_for(colleague).post(assess, assessment_data()).status_code == 403  # same county, not the holder
    assert client_for(colleague).post(finance, {"document": "x"}).status_code == 403
    assert client_for(caseworker_wusu).post(assess, assessment_data()).status_code == 404  # another county
    assert "assessment" not in Case.objects.get(pk=in_review.pk).answers
