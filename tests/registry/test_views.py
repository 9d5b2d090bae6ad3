"""Registry pages of the workbench: search, real-name files, reveal, web import; county scoping (issue 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from portal.roles import Role
from registry.demo import DEMO_CSV
from registry.models import County, ImportJob, InsuranceYear, SensitiveAccessLog
from registry.services import enterprise_register, person_register, registration_open

pytestmark = pytest.mark.django_db

TACHENG_ID = "654201198503150018"
EMIN_ID = "654221199211220037"


@pytest.fixture
def records():
    county = County.objects.get
    tacheng = person_register(
        id_number=TACHENG_ID,
        name="阿依古丽·买买提",
        residence_county=county(code="654201"),
        phone="13909010018",
        actor=None,
    )
    emin = person_register(
        id_number=EMIN_ID, name="张军", residence_county=county(code="654221"), phone="13909030037", actor=None
    )
    registration_open(person=tacheng, registered_on=dt.date(2019, 2, 18), actor=None)
    emin_enterprise = enterprise_register(
        credit_code="93654221076543212B",
        name="额敏县示例农民专业合作社",
        county=county(code="654221"),
        size_class="micro",
        actor=None,
    )
    wusu_enterprise = enterprise_register(
        credit_code="92654202MA7XK2B12N",
        name="乌苏市示例餐饮店",
        county=county(code="654202"),
        size_class="micro",
        actor=None,
    )
    return {"tacheng": tacheng, "emin": emin, "emin_enterprise": emin_enterprise, "wusu_enterprise": wusu_enterprise}


def search(client, q, kind="people"):
    return client.post(reverse("workbench:registry-search"), {"q": q, "kind": kind})


def test_a_caseworker_finds_a_person_by_full_id_number_and_opens_the_real_name_file(records, caseworker, client_for):
    client = client_for(caseworker)
    response = search(client, TACHENG_ID)
    page = response.content.decode()
    assert "阿依古丽·买买提" in page
    assert "654201********0018" in page
    file_url = reverse("workbench:registry-person", args=[records["tacheng"].pk])
    assert file_url in page
    page = client.get(file_url).content.decode()
    assert "2019-02-18" in page  # the registration
    assert TACHENG_ID not in page


def test_search_by_name_and_by_phone(records, caseworker, client_for):
    client = client_for(caseworker)
    assert "阿依古丽·买买提" in search(client, "阿依古丽").content.decode()
    assert "阿依古丽·买买提" in search(client, "13909010018").content.decode()


def test_a_wusu_caseworker_gets_404_for_an_emin_person_or_enterprise(records, caseworker_wusu, client_for):
    client = client_for(caseworker_wusu)
    assert client.get(reverse("workbench:registry-person", args=[records["emin"].pk])).status_code == 404
    assert client.get(reverse("workbench:registry-enterprise", args=[records["emin_enterprise"].pk])).status_code == 404
    response = client.post(
        reverse("workbench:registry-person-reveal", args=[records["emin"].pk]), {"reason": "核对身份"}
    )
    assert response.status_code == 404
    assert client.get(reverse("workbench:registry-enterprise", args=[records["wusu_enterprise"].pk])).status_code == 200


def test_search_never_lists_another_countys_records(records, caseworker_wusu, client_for):
    client = client_for(caseworker_wusu)
    for query, kind in [
        (EMIN_ID, "people"),
        ("张军", "people"),
        ("13909030037", "people"),
        ("额敏", "enterprises"),
        ("93654221076543212B", "enterprises"),
    ]:
        page = search(client, query, kind).content.decode()
        assert reverse("workbench:registry-person", args=[records["emin"].pk]) not in page, query
        assert reverse("workbench:registry-enterprise", args=[records["emin_enterprise"].pk]) not in page, query


def test_officers_and_auditors_see_every_county(records, officer, auditor, client_for):
    for user in (officer, auditor):
        client = client_for(user)
        assert client.get(reverse("workbench:registry-person", args=[records["emin"].pk])).status_code == 200
        assert "张军" in search(client, EMIN_ID).content.decode()


def test_revealing_the_full_id_number_is_a_logged_post_with_a_reason(records, caseworker, auditor, client_for):
    url = reverse("workbench:registry-person-reveal", args=[records["tacheng"].pk])
    client = client_for(caseworker)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert TACHENG_ID not in response.content.decode()
    response = client.post(url, {"reason": "核对身份证原件"})
    assert TACHENG_ID in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    log = SensitiveAccessLog.objects.get()
    assert (log.actor, log.person, log.reason) == (caseworker, records["tacheng"], "核对身份证原件")
    # An auditor may read files but not reveal full numbers.
    response = client_for(auditor).post(url, {"reason": "核对身份证原件"})
    assert response.status_code == 403
    assert (
        "Reveal"
        not in client_for(auditor)
        .get(reverse("workbench:registry-person", args=[records["tacheng"].pk]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )


def test_an_officer_imports_the_demo_file_from_the_browser_and_downloads_the_report(
    records, officer, client_for, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    assert client.get(reverse("workbench:registry-imports")).status_code == 200
    with DEMO_CSV.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workbench:registry-imports"), {"kind": "insurance", "file": handle})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:registry-import", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.upload is None  # the uploaded personal data is not kept
    page = client.get(response["Location"]).content.decode()
    assert 'value="100"' in page
    assert 'http-equiv="refresh"' not in page
    assert InsuranceYear.objects.filter(year=2019, enterprise=records["wusu_enterprise"]).exists()
    report = client.get(reverse("workbench:registry-import-report", args=[job.pk]))
    assert report["Content-Type"].startswith("text/csv")
    assert "row,column,value,message" in report.content.decode("utf-8-sig")


def test_a_running_import_page_refreshes_itself_without_javascript(officer, client_for):
    job = ImportJob.objects.create(
        kind="insurance", file_name="x.csv", status=ImportJob.Status.RUNNING, total_rows=10, processed_rows=4
    )
    page = client_for(officer).get(reverse("workbench:registry-import", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    assert 'value="40"' in page


def test_an_upload_that_is_not_csv_or_xlsx_gets_a_message_next_to_the_field(officer, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(officer).post(
        reverse("workbench:registry-imports"),
        {"kind": "insurance", "file": SimpleUploadedFile("x.pdf", b"%PDF")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Choose a CSV or XLSX file." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_caseworkers_and_auditors_cannot_import(caseworker, auditor, client_for):
    for user in (caseworker, auditor):
        assert client_for(user).get(reverse("workbench:registry-imports")).status_code == 403


def test_an_applicant_cannot_open_the_registry(make_user, client_for):
    resident = make_user(Role.RESIDENT_APPLICANT)
    response = client_for(resident).get(reverse("workbench:registry-search"))
    assert response.status_code == 403
