"""Training （七） and skill-upgrade （八） claims: the certificate as a file beside its number, kept as the resident
journey's evidence (PDF, JPEG or PNG by content, at most 5 MB), listed for the caseworker on the review page and
downloadable only by the owner and the county's staff."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from subsidies.models import Case, CaseKind, CaseState, Evidence

pytestmark = pytest.mark.django_db

# POLICY.md test numbers (fictitious, valid).
ID_NUMBERS = ["654201198503150018", "654202199807080021", "654221199211220037", "65422419880808006X"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _private(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_it_attaches_the_training_certificate_and_lists_it_on_the_review_page(  # type: ignore[no-untyped-def]
    caseworker, caseworker_wusu, client_for, make_resident, training_form_data
):
    owner, person = make_resident()
    other, _other_person = make_resident(ID_NUMBERS[1], name="阿依古丽·买买提", county_code="654202")
    resident = signed_in(owner)
    upload = SimpleUploadedFile("结业证书.pdf", PDF, content_type="application/pdf")
    response = resident.post("/apply/claims/training/", {**training_form_data(), "certificate_file": upload})
    assert response.status_code == 302
    subsidy = Case.objects.get(kind=CaseKind.TRAINING_SUBSIDY, person=person)
    allowance = Case.objects.get(kind=CaseKind.LIVING_ALLOWANCE, person=person)
    evidence = Evidence.objects.get(case=subsidy)
    assert (evidence.purpose, evidence.content_type) == ("certificate", "application/pdf")
    url = f"/apply/services/evidence/{evidence.pk}/"
    assert url in resident.get(f"/apply/claims/{subsidy.pk}/").content.decode()

    staff = client_for(caseworker)
    for case in (subsidy, allowance):  # the allowance for the same training shows the same certificate
        page = staff.get(f"/workbench/cases/{case.pk}/").content.decode()
        assert "结业证书.pdf" in page and f"/workbench/evidence/{evidence.pk}/" in page
    assert b"".join(staff.get(f"/workbench/evidence/{evidence.pk}/").streaming_content) == PDF
    assert b"".join(resident.get(url).streaming_content) == PDF
    assert signed_in(other).get(url).status_code == 404
    assert client_for(caseworker_wusu).get(f"/workbench/evidence/{evidence.pk}/").status_code == 404


def test_it_attaches_the_skill_certificate_as_an_image(caseworker, client_for, make_resident) -> None:  # type: ignore[no-untyped-def]
    owner, person = make_resident(insured_months=40)
    data = {
        "occupation": "电工",
        "certificate_level": "junior",
        "certificate_number": "JN-2025-0001",
        "certificate_date": "2025-06-01",
        "bank_name": "中国农业银行塔城分行",
        "bank_account": "6228480012345678901",
        "token": "5b0c7c2e-6b8f-4b1e-9a55-0d3f3b7a1c11",
        "certificate_file": SimpleUploadedFile("cert.png", PNG, content_type="image/png"),
    }
    assert signed_in(owner).post("/apply/claims/skill-upgrade/", data).status_code == 302
    case = Case.objects.get(kind=CaseKind.SKILL_UPGRADE, person=person)
    evidence = Evidence.objects.get(case=case)
    assert evidence.content_type == "image/png"
    page = client_for(caseworker).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert f"/workbench/evidence/{evidence.pk}/" in page


def test_it_refuses_a_file_that_is_not_a_certificate_and_keeps_nothing(
    tmp_path, make_resident, training_form_data
) -> None:  # type: ignore[no-untyped-def]
    owner, person = make_resident()
    fake = SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = signed_in(owner).post("/apply/claims/training/", {**training_form_data(), "certificate_file": fake})
    assert response.status_code == 400
    assert "Upload a PDF, JPEG or PNG file" in response.content.decode()
    assert not Case.objects.filter(person=person).exists() and not Evidence.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_it_refuses_a_certificate_over_5_mb_next_to_the_field(make_resident, training_form_data) -> None:
    owner, person = make_resident()
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    response = signed_in(owner).post("/apply/claims/training/", {**training_form_data(), "certificate_file": big})
    assert response.status_code == 400 and "larger than 5 MB" in response.content.decode()
    assert not Case.objects.filter(person=person).exists()


def test_a_returned_claim_gets_its_certificate_when_corrected(
    caseworker, client_for, make_resident, training_form_data
) -> None:  # type: ignore[no-untyped-def]
    owner, person = make_resident()
    resident = signed_in(owner)
    resident.post("/apply/claims/training/", training_form_data(living_allowance=""))
    subsidy = Case.objects.get(kind=CaseKind.TRAINING_SUBSIDY, person=person)
    worker = client_for(caseworker)
    worker.post(f"/workbench/cases/{subsidy.pk}/claim/")
    worker.post(f"/workbench/cases/{subsidy.pk}/return/", {"return-reason": "请上传结业证书"})
    data = training_form_data(certificate_number=subsidy.answers["certificate_number"], bank_account="")
    del data["living_allowance"]
    data["certificate_file"] = SimpleUploadedFile("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    assert resident.post(f"/apply/claims/{subsidy.pk}/correct/", data).status_code == 302
    subsidy.refresh_from_db()
    assert subsidy.state == CaseState.RESUBMITTED
    assert Evidence.objects.get(case=subsidy).content_type == "image/jpeg"
