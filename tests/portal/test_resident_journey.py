"""The resident pages (clause （九）): the registration wizard, the review in the workbench, recognition, my services,
uploads and referrals, with scoping: the owner, another resident, a caseworker of the county and of another."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from registry.models import Referral, RegistrationStatus, UnemploymentRegistration
from registry.services import registration_open
from subsidies.models import Case, CaseState, Evidence

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _private(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"


def en(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def follow_wizard(client: Client, county_pk: int, *, upload: bytes | None = None, permit: str = "") -> Case:
    page = client.post("/apply/services/unemployment-registration/")
    assert page.status_code == 302, page.content.decode()[:2000]
    url = page["Location"]
    assert url.endswith("/residence/")
    data: dict = {"residence_county": county_pk, "address": "乌苏市虹桥街道 12 号", "residence_permit": permit}
    if upload is not None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data["residence_document"] = SimpleUploadedFile("居住证明.png", upload, content_type="image/png")
    page = client.post(url, data)
    assert page.status_code == 302, page.content.decode()
    page = client.post(page["Location"], {"able_and_willing": "on"})
    page = client.post(
        page["Location"],
        {"work_end_reason": "contract_ended", "last_employer": "某公司", "work_ended_on": "2019-01-31"},
    )
    page = client.post(page["Location"], {"occupation": "仓库管理员", "expected_wage": "2500"})
    check = page["Location"]
    assert check.endswith("/check/")
    html = client.get(check).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    done = client.post(check, {"token": token})
    assert done.status_code == 302 and done["Location"].endswith("/confirmation/")
    again = client.post(check, {"token": token})  # a double click
    assert again["Location"] == done["Location"]
    return Case.objects.get(person__account__user=client.user)  # type: ignore[attr-defined]


@pytest.fixture
def resident_client(client_for, make_resident_user):  # type: ignore[no-untyped-def]
    """resident_client(person) -> a client of the person's new resident account, in English; .user is the account."""

    def sign_in(who) -> Client:  # type: ignore[no-untyped-def]
        user = make_resident_user(who)
        client = en(client_for(user))
        client.user = user  # type: ignore[attr-defined]
        return client

    return sign_in


def test_a_resident_registers_where_they_live_and_a_caseworker_there_registers_it(
    client_for, caseworker_wusu, caseworker, county, make_person, resident_client
) -> None:
    who = make_person(area="654201", county="654201")  # 户口 in 塔城市
    client = resident_client(who)
    wusu = county("654202")
    # Living in 乌苏市 with 户口 elsewhere: evidence of residence is asked for.
    client.post("/apply/services/unemployment-registration/")
    case = Case.objects.get(person=who)
    page = client.post(
        f"/apply/services/unemployment-registration/{case.pk}/residence/",
        {"residence_county": wusu.pk, "address": "乌苏市"},
    )
    assert page.status_code == 400
    assert "residence permit" in page.content.decode()
    case = follow_wizard(client, wusu.pk, upload=PNG)
    assert case.state == CaseState.SUBMITTED and case.county.code == "654202"
    confirmation = client.get(f"/apply/services/cases/{case.pk}/confirmation/").content.decode()
    assert case.reference in confirmation

    # Another county's caseworker does not see it; the 乌苏市 caseworker registers it.
    assert en(client_for(caseworker)).get(f"/workbench/cases/{case.pk}/").status_code == 404
    staff = en(client_for(caseworker_wusu))
    review = staff.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "household registration elsewhere" in review
    evidence = Evidence.objects.get(case=case)
    assert staff.get(f"/workbench/evidence/{evidence.pk}/").status_code == 200
    assert en(client_for(caseworker)).get(f"/workbench/evidence/{evidence.pk}/").status_code == 404
    staff.post(f"/workbench/cases/{case.pk}/claim/")
    review = staff.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "Register as unemployed" in review
    staff.post(f"/workbench/cases/{case.pk}/approve/", {"approve-amount": "", "approve-override_reason": ""})
    registration = UnemploymentRegistration.objects.get(person=who)
    assert registration.residence_county.code == "654202"

    services = client.get("/apply/services/").content.decode()
    assert "Registered" in services and "Tell us you found work" in services


def test_my_services_and_cases_are_the_owners_only(
    client_for, caseworker_wusu, make_person, submit_registration, resident_client
) -> None:
    owner = resident_client(make_person())
    case = submit_registration(owner.user)  # type: ignore[attr-defined]
    other = resident_client(make_person(birth=date(1990, 1, 1)))
    assert owner.get(f"/apply/services/cases/{case.pk}/").status_code == 200
    assert other.get(f"/apply/services/cases/{case.pk}/").status_code == 404
    assert case.reference not in other.get("/apply/services/").content.decode()
    assert en(client_for(caseworker_wusu)).get("/apply/services/").status_code == 403


def test_another_user_cannot_fetch_an_upload(make_person, resident_client) -> None:
    owner = resident_client(make_person())
    client = owner
    client.post("/apply/services/unemployment-registration/")
    case = Case.objects.get(person=owner.user.resident.person)  # type: ignore[attr-defined]
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        f"/apply/services/unemployment-registration/{case.pk}/residence/",
        {
            "residence_county": case.county_id,
            "address": "x",
            "residence_document": SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\0" * 100),
        },
    )
    assert page.status_code == 400 and "PDF, JPEG or PNG" in page.content.decode()
    page = client.post(
        f"/apply/services/unemployment-registration/{case.pk}/residence/",
        {
            "residence_county": case.county_id,
            "address": "x",
            "residence_document": SimpleUploadedFile("a.png", PNG + b"\0" * (5 * 1024 * 1024)),
        },
    )
    assert page.status_code == 400 and "5 MB" in page.content.decode()
    page = client.post(
        f"/apply/services/unemployment-registration/{case.pk}/residence/",
        {"residence_county": case.county_id, "address": "x", "residence_document": SimpleUploadedFile("a.png", PNG)},
    )
    assert page.status_code == 302
    evidence = Evidence.objects.get()
    got = owner.get(f"/apply/services/evidence/{evidence.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
    assert got["X-Content-Type-Options"] == "nosniff"
    other = resident_client(make_person(birth=date(1991, 1, 1)))
    assert other.get(f"/apply/services/evidence/{evidence.pk}/").status_code == 404


def test_a_woman_of_46_is_recognised_and_sees_it(client_for, caseworker_wusu, make_person, resident_client) -> None:
    today = timezone.localdate()
    who = make_person(birth=date(today.year - 46, 1, 1), sex="F")
    client = resident_client(who)
    registration_open(person=who, registered_on=today, actor=None)
    start = client.get("/apply/services/difficulty-recognition/").content.decode()
    assert "Woman aged 45 or over" in start
    page = client.post("/apply/services/difficulty-recognition/")
    page = client.post(page["Location"], {"categories": ["older_worker"]})
    page = client.get(page["Location"])
    assert page.status_code == 302 or "nothing to upload" in page.content.decode()
    case = Case.objects.get(person=who)
    page = client.post(f"/apply/services/difficulty-recognition/{case.pk}/evidence/", {})
    page = client.post(page["Location"], {"declaration": "on"})
    html = client.get(page["Location"]).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert client.post(page["Location"], {"token": token}).status_code == 302
    staff = en(client_for(caseworker_wusu))
    staff.post(f"/workbench/cases/{case.pk}/claim/")
    page = staff.post(f"/workbench/cases/{case.pk}/recognise/", {"recognise-reason": ""})
    assert page.status_code == 400 and "Accept at least one" in page.content.decode()
    page = staff.post(f"/workbench/cases/{case.pk}/recognise/", {"recognise-accepted": ["older_worker"]})
    assert page.status_code == 302
    assert who.difficulty_recognitions.get().categories == ["older_worker"]
    assert "Recognised" in client.get("/apply/services/").content.decode()


def test_a_caseworker_records_a_referral_shown_in_the_real_name_file(
    client_for, caseworker_wusu, auditor, make_person, make_resident_user, submit_registration
) -> None:
    case = submit_registration(make_resident_user(make_person()))
    assert en(client_for(auditor)).post(f"/workbench/cases/{case.pk}/referral/", {}).status_code == 403
    staff = en(client_for(caseworker_wusu))
    page = staff.post(f"/workbench/cases/{case.pk}/referral/", {"referral-kind": "low_income", "referral-note": ""})
    assert page.status_code == 400
    staff.post(
        f"/workbench/cases/{case.pk}/referral/",
        {"referral-kind": "temporary_assistance", "referral-note": "家中突发困难。"},
    )
    assert Referral.objects.get().case_reference == case.reference
    file = staff.get(f"/workbench/registry/people/{case.person_id}/").content.decode()
    assert "家中突发困难。" in file


def test_the_resident_reports_new_work_and_the_registration_ends(make_person, resident_client) -> None:
    who = make_person()
    client = resident_client(who)
    registration = registration_open(person=who, registered_on=date(2019, 1, 10), actor=None)
    page = client.post(
        f"/apply/services/registrations/{registration.pk}/report-work/",
        {"started_on": "2019-01-01", "employer": "某公司"},
    )
    assert page.status_code == 400
    page = client.post(
        f"/apply/services/registrations/{registration.pk}/report-work/",
        {"started_on": "2019-06-03", "employer": "某公司"},
    )
    assert page.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ENDED


def test_九_my_services_says_a_registration_is_being_dealt_with_not_that_there_is_none(
    make_resident, submit_registration
) -> None:
    """（九） While the application waits for the county, the page must not say "you are not registered" and offer
    to start again: it names the application, its state, and where to follow it."""
    user, _person = make_resident(registered_on=None)
    case = submit_registration(user)
    client = Client()
    client.force_login(user)
    page = client.get("/apply/services/").content.decode()  # this module's pages are in English
    assert "You are not registered as unemployed." not in page
    assert f"Your application {case.reference} is being dealt with." in page
    assert f'href="/apply/services/cases/{case.pk}/"' in page


def test_九_after_reporting_work_my_services_no_longer_says_registered(make_resident) -> None:
    """（九） Re-employment ends the registration: the card must stop saying "Registered" at once."""
    user, person = make_resident(registered_on=date(2026, 3, 2))
    registration = UnemploymentRegistration.objects.get(person=person)
    client = Client()
    client.force_login(user)
    assert 'data-testid="registration-state"' in client.get("/apply/services/").content.decode()
    response = client.post(
        f"/apply/services/registrations/{registration.pk}/report-work/",
        {"started_on": "2026-11-02", "employer": "塔城市示例物流有限公司"},
    )
    assert response.status_code == 302
    page = client.get("/apply/services/").content.decode()
    assert 'data-testid="registration-state"' not in page
    assert "You are not registered as unemployed." in page
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ENDED
