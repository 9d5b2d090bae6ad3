"""Hardship recognition (clause （一）, 2019): an enterprise in temporary difficulty asks to be recognised."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from subsidies.models import Case, CaseKind, CaseState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_2019() -> Iterator[None]:
    """Recognition was open to applications made in 2019 only (clause （一）): these walk it as it was then."""
    with time_machine.travel(datetime(2019, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield

ANSWERS = {
    "situation": {"situation": "Orders fell by 40% since the autumn of 2018.", "recovery": "New contracts from May."},
    "measures": {"measures": "No layoffs; reduced hours and rotation; training.", "layoffs_planned": "0"},
    "agreement": {"agreement": "union", "agreement_details": "Workers' congress of 2019-02-15."},
    "documents": {"documents": "2018 financial statements\nAgreement with the union, 2019-02-15"},
    "declaration": {"declaration": "on"},
}


def step(case: Case, slug: str) -> str:
    return reverse("apply:step", args=["hardship-recognition", case.pk, slug])


def test_an_enterprise_applies_to_be_recognised_as_a_hardship_enterprise(
    officer, make_enterprise, english_client, make_applicant
) -> None:  # type: ignore[no-untyped-def]
    ent = make_enterprise(officer)
    client = english_client(make_applicant(ent))
    page = client.get(reverse("apply:start-hardship-recognition")).content.decode()
    assert "Ask to be recognised as a hardship enterprise" in page
    client.post(reverse("apply:start-hardship-recognition"), {"year": 2019})
    case = Case.objects.get(kind=CaseKind.HARDSHIP_RECOGNITION)
    for slug, data in ANSWERS.items():
        response = client.post(step(case, slug), data)
        assert response.status_code == 302, (slug, response.content.decode()[-3000:])
    check = reverse("apply:check", args=["hardship-recognition", case.pk])
    page = client.get(check).content.decode()
    assert "Orders fell by 40%" in page
    assert "Yes, with the trade union" in page
    token = re.search(r'name="token" value="([0-9a-f-]{36})"', page).group(1)
    client.post(check, {"token": token})
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.reference == "KN-654201-2019-000001"
    assert case.answers["measures"].startswith("No layoffs")


def test_an_agreement_needs_its_details(officer, make_enterprise, english_client, make_applicant) -> None:  # type: ignore[no-untyped-def]
    ent = make_enterprise(officer)
    client = english_client(make_applicant(ent))
    client.post(reverse("apply:start-hardship-recognition"), {"year": 2019})
    case = Case.objects.get(kind=CaseKind.HARDSHIP_RECOGNITION)
    response = client.post(step(case, "agreement"), {"agreement": "staff"})
    assert 'id="id_agreement_details_error"' in response.content.decode()
    response = client.post(step(case, "situation"), {"situation": "bad", "recovery": ""})
    assert 'id="id_situation_error"' in response.content.decode()
