"""（八） 可在参保地申请: the skill-upgrade claim page asks where the applicant is insured and files it there."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from subsidies.models import Case, CaseKind

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_八_skill_upgrade_page_files_the_claim_in_the_county_where_insured(make_resident) -> None:
    user, person = make_resident(insured_months=40)
    client = signed_in(user)
    page = client.get("/apply/claims/skill-upgrade/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="insured_county"' in page
    assert 'value="654201" selected' in page  # the residence county is offered first
    assert "You have paid unemployment-insurance contributions for 40 months." in page
    data = {
        "occupation": "中式 烹调师",
        "certificate_level": "junior",
        "certificate_number": "JN-8",
        "certificate_date": "2025-06-01",
        "insured_county": "654221",
        "bank_name": "中国银行",
        "bank_account": "6216600012345678",
        "token": str(uuid.uuid4()),
    }
    assert client.post("/apply/claims/skill-upgrade/", data).status_code == 302
    case = Case.objects.get(kind=CaseKind.SKILL_UPGRADE, person=person)
    assert case.county.code == "654221"
    assert case.answers["occupation"] == "中式烹调师"


def test_八_skill_upgrade_page_refuses_a_county_outside_the_prefecture(make_resident) -> None:
    user, _person = make_resident(insured_months=40)
    data = {
        "occupation": "电工",
        "certificate_level": "junior",
        "certificate_number": "JN-9",
        "certificate_date": "2025-06-01",
        "insured_county": "110101",
        "bank_name": "中国银行",
        "bank_account": "6216600012345678",
        "token": str(uuid.uuid4()),
    }
    response = signed_in(user).post("/apply/claims/skill-upgrade/", data)
    assert response.status_code == 400 and "id_insured_county_error" in response.content.decode()
    assert not Case.objects.exists()
