"""Hardship recognition (clause （一）, 2019): an enterprise in temporary difficulty asks to be recognised."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
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
    "documents": {"documents": "2018 financial statements\nAgreement with the union, 2019-02-15"},  # + a file
    "declaration": {"declaration": "on"},
}


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


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
        if slug == "documents":
            data = {**data, "file": _pdf("2018年财务报表.pdf")}
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


def test_the_documents_page_takes_files_and_the_caseworker_reads_them(
    officer, caseworker, make_enterprise, english_client, make_applicant, client_for, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """（一） The hardship list weighs documents (financial statements, the agreement with staff): the enterprise
    uploads them, not a list of their names; the caseworker of the county opens them; another enterprise cannot."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    ent = make_enterprise(officer)
    client = english_client(make_applicant(ent))
    client.post(reverse("apply:start-hardship-recognition"), {"year": 2019})
    case = Case.objects.get(kind=CaseKind.HARDSHIP_RECOGNITION)
    response = client.post(step(case, "documents"), {"documents": "2018 statements"})
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()
    not_a_pdf = SimpleUploadedFile("statements.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(step(case, "documents"), {"file": not_a_pdf})
    assert response.status_code == 400 and 'id="id_file_error"' in response.content.decode()
    assert not case.evidence.exists()

    assert client.post(step(case, "documents"), {"file": _pdf("2018年财务报表.pdf")}).status_code == 302
    page = client.get(step(case, "documents")).content.decode()
    evidence = case.evidence.get()
    assert "2018年财务报表.pdf" in page and reverse("apply:evidence", args=[evidence.pk]) in page
    assert b"".join(client.get(reverse("apply:evidence", args=[evidence.pk])).streaming_content) == PDF

    other_ent = make_enterprise(officer, code="92654202MA7XK2B12N", county="654202")
    other = english_client(make_applicant(other_ent, username="li.qiang"))
    assert other.get(reverse("apply:evidence", args=[evidence.pk])).status_code == 404
    assert other.post(reverse("apply:remove-evidence", args=[evidence.pk])).status_code == 404
    assert case.evidence.count() == 1

    for slug, data in ANSWERS.items():
        if slug != "documents":
            client.post(step(case, slug), data)
    check = reverse("apply:check", args=["hardship-recognition", case.pk])
    token = re.search(r'name="token" value="([0-9a-f-]{36})"', client.get(check).content.decode()).group(1)
    client.post(check, {"token": token})
    review = client_for(caseworker).get(reverse("workbench:case", args=[case.pk])).content.decode()
    assert "2018年财务报表.pdf" in review
    download = client_for(caseworker).get(reverse("workbench:evidence", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_the_enterprise_removes_its_own_file_and_comes_back_to_the_documents_page(
    officer, make_enterprise, english_client, make_applicant, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    ent = make_enterprise(officer)
    client = english_client(make_applicant(ent))
    client.post(reverse("apply:start-hardship-recognition"), {"year": 2019})
    case = Case.objects.get(kind=CaseKind.HARDSHIP_RECOGNITION)
    client.post(step(case, "documents"), {"file": _pdf("wrong-file.pdf")})
    evidence = case.evidence.get()
    response = client.post(reverse("apply:remove-evidence", args=[evidence.pk]))
    assert response["Location"] == step(case, "documents")
    assert not case.evidence.exists()
    assert "The file was removed." in client.get(response["Location"]).content.decode()
