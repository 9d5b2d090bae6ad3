"""告知承诺制 through the pages: a resident promises instead of uploading on the real wizard, the caseworker sees what
was promised, a sampled case's check found false revokes the decision; and the attackers: an ineligible item, a
banned applicant, another county's caseworker, an applicant changing a commitment after submitting."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from registry.audit import audit_trail
from registry.models import RegistrationStatus, UnemploymentRegistration
from registry.services import registration_open
from subsidies.commitments import commitment_draws_due
from subsidies.models import (
    Case,
    CaseState,
    Commitment,
    CommitmentBan,
    CommitmentCheck,
    CommitmentCheckState,
    CommitmentItem,
    Evidence,
    Recovery,
)
from subsidies.services import parameter_add

pytestmark = pytest.mark.django_db

NAME = "古丽娜尔·艾力"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
REGISTRATION = "/apply/services/unemployment-registration"


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"


def en(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def resident(client_for, make_resident_user, make_person):  # type: ignore[no-untyped-def]
    """A resident whose 户口 is in 塔城市 and who lives in 乌苏市 (so residence must be shown), signed in."""
    user = make_resident_user(make_person(area="654201", county="654202"))
    client = en(client_for(user))
    client.user = user  # type: ignore[attr-defined]
    return client


def _start(client: Client) -> Case:
    page = client.post(f"{REGISTRATION}/")
    assert page.status_code == 302 and page["Location"].endswith("/residence/")
    return Case.objects.get(person__account__user=client.user)  # type: ignore[attr-defined]


def _finish(client: Client, case: Case, county_pk: int) -> Case:
    page = client.post(f"{REGISTRATION}/{case.pk}/residence/", {"residence_county": county_pk, "address": "乌苏市"})
    assert page.status_code == 302, page.content.decode()[:3000]
    page = client.post(page["Location"], {"able_and_willing": "on"})
    page = client.post(page["Location"], {"work_end_reason": "contract_ended", "work_ended_on": "2019-01-31"})
    page = client.post(page["Location"], {"occupation": "仓库管理员"})
    check = page["Location"]
    html = client.get(check).content.decode()
    assert "Promised instead of a document" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    done = client.post(check, {"token": token})
    assert done.status_code == 302 and done["Location"].endswith("/confirmation/"), done.content.decode()[:3000]
    case.refresh_from_db()
    return case


def test_a_resident_signs_a_commitment_instead_of_uploading_where_they_live(
    resident, county, client_for, caseworker_wusu
) -> None:
    wusu = county("654202")
    case = _start(resident)
    step = resident.get(f"{REGISTRATION}/{case.pk}/residence/").content.decode()
    sign_url = f"/apply/services/cases/{case.pk}/commitments/residence/?step=residence"
    assert sign_url.replace("&", "&amp;") in step or sign_url in step

    # Without a permit, a document or a commitment the page asks for one.
    page = resident.post(f"{REGISTRATION}/{case.pk}/residence/", {"residence_county": wusu.pk, "address": "乌苏市"})
    assert page.status_code == 400 and "residence permit" in page.content.decode()

    text = resident.get(sign_url).content.decode()
    assert "Commitment (承诺书)" in text and "the decision is revoked" in text and "12 months" in text
    unticked = resident.post(sign_url, {"signed_name": NAME})
    assert unticked.status_code == 400 and "Tick the box" in unticked.content.decode()
    signed = resident.post(sign_url, {"agree": "on", "signed_name": NAME}, REMOTE_ADDR="10.1.2.3")
    assert signed.status_code == 302 and signed["Location"].endswith("/residence/")
    commitment = Commitment.objects.get(case=case)
    assert (commitment.purpose, commitment.ip_address, commitment.signed_by) == ("residence", "10.1.2.3", resident.user)
    assert "Promised instead of a document" in resident.get(signed["Location"]).content.decode()

    case = _finish(resident, case, wusu.pk)
    assert case.state == CaseState.SUBMITTED
    assert not Evidence.objects.filter(case=case).exists()
    mine = resident.get(f"/apply/services/cases/{case.pk}/").content.decode()
    assert "You signed a commitment instead of providing" in mine

    review = en(client_for(caseworker_wusu)).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "Promised rather than proven" in review and "Proof of where you live" in review


def test_a_post_check_found_false_revokes_the_decision_and_the_applicant_sees_it(
    resident, county, client_for, caseworker_wusu, caseworker, officer
) -> None:
    parameter_add(key="commitment.sample_rate", value="1", valid_from=date(2020, 1, 1), source="test", actor=officer)
    case = _start(resident)
    resident.post(f"/apply/services/cases/{case.pk}/commitments/residence/", {"agree": "on", "signed_name": NAME})
    case = _finish(resident, case, county("654202").pk)
    staff = en(client_for(caseworker_wusu))
    staff.post(f"/workbench/cases/{case.pk}/claim/")
    staff.post(f"/workbench/cases/{case.pk}/approve/", {"approve-amount": "", "approve-override_reason": ""})
    case.refresh_from_db()
    assert case.state == CaseState.FINAL
    assert commitment_draws_due() == 1
    check = CommitmentCheck.objects.get(case=case)

    listing = staff.get("/workbench/commitments/").content.decode()
    assert case.reference in listing
    # Another county's caseworker neither sees nor records it.
    other = en(client_for(caseworker))
    assert case.reference not in other.get("/workbench/commitments/").content.decode()
    assert other.get(f"/workbench/commitments/{check.pk}/").status_code == 404
    refused = other.post(
        f"/workbench/commitments/{check.pk}/decide/", {"outcome": "false", "note": "租房合同系伪造，房东否认"}
    )
    assert refused.status_code == 404
    check.refresh_from_db()
    assert check.state == CommitmentCheckState.PENDING

    done = staff.post(
        f"/workbench/commitments/{check.pk}/decide/", {"outcome": "false", "note": "租房合同系伪造，房东否认"}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REVOKED
    assert Recovery.objects.get(case=case).amount == 0  # a registration pays nothing
    assert CommitmentBan.objects.filter(person=case.person).exists()
    # The registration the decision opened ends with it.
    assert not UnemploymentRegistration.objects.filter(person=case.person, status=RegistrationStatus.ACTIVE).exists()
    assert {"case_revoke", "recovery_record", "commitment_ban"} <= set(
        audit_trail(case).values_list("action", flat=True)
    )
    mine = resident.get(f"/apply/services/cases/{case.pk}/").content.decode()
    assert "Revoked after a false commitment" in mine and "租房合同系伪造" in mine
    assert "A post-check found your commitment false" in mine


def _ban(person, case: Case) -> None:  # type: ignore[no-untyped-def]
    check = CommitmentCheck.objects.create(
        case=case,
        county=case.county,
        due_on=timezone.localdate(),
        state=CommitmentCheckState.FALSE,
        decided_at=timezone.now(),
    )
    today = timezone.localdate()
    CommitmentBan.objects.create(
        person=person, commitment_check=check, starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=300)
    )


def test_attacker_a_commitment_for_an_item_not_in_the_table_is_refused(resident) -> None:
    case = _start(resident)
    page = resident.post(
        f"/apply/services/cases/{case.pk}/commitments/disabled_unemployed/", {"agree": "on", "signed_name": NAME}
    )
    assert page.status_code == 400 and "cannot be replaced by a commitment" in page.content.decode()
    CommitmentItem.objects.filter(purpose="residence").update(valid_to=timezone.localdate() - timedelta(days=1))
    page = resident.post(
        f"/apply/services/cases/{case.pk}/commitments/residence/", {"agree": "on", "signed_name": NAME}
    )
    assert page.status_code == 400
    assert "Sign a commitment instead" not in resident.get(f"{REGISTRATION}/{case.pk}/residence/").content.decode()
    assert not Commitment.objects.exists()


def test_attacker_a_banned_applicant_is_not_offered_a_commitment_and_cannot_post_one(resident) -> None:
    case = _start(resident)
    _ban(case.person, case)
    assert "Sign a commitment instead" not in resident.get(f"{REGISTRATION}/{case.pk}/residence/").content.decode()
    page = resident.post(
        f"/apply/services/cases/{case.pk}/commitments/residence/", {"agree": "on", "signed_name": NAME}
    )
    assert page.status_code == 400 and "until the ban ends" in page.content.decode()
    assert not Commitment.objects.exists()


def test_attacker_an_applicant_cannot_change_a_commitment_after_submitting(
    resident, county, client_for, make_resident_user, make_person
) -> None:
    case = _start(resident)
    resident.post(f"/apply/services/cases/{case.pk}/commitments/residence/", {"agree": "on", "signed_name": NAME})
    case = _finish(resident, case, county("654202").pk)
    commitment = Commitment.objects.get(case=case)
    before = (commitment.signed_at, commitment.signed_name)

    withdrawn = resident.post(f"/apply/services/commitments/{commitment.pk}/withdraw/")
    assert withdrawn.status_code == 302 and withdrawn["Location"].endswith(f"/apply/services/cases/{case.pk}/")
    again = resident.post(
        f"/apply/services/cases/{case.pk}/commitments/residence/", {"agree": "on", "signed_name": "张三"}
    )
    assert again.status_code == 302 and again["Location"].endswith(f"/apply/services/cases/{case.pk}/")
    commitment.refresh_from_db()
    assert (commitment.signed_at, commitment.signed_name) == before
    assert Commitment.objects.filter(case=case).count() == 1

    # Someone else's commitment is not found at all.
    stranger = en(client_for(make_resident_user(make_person(birth=date(1990, 1, 1)))))
    assert stranger.post(f"/apply/services/commitments/{commitment.pk}/withdraw/").status_code == 404
    assert stranger.get(f"/apply/services/cases/{case.pk}/commitments/residence/").status_code == 404
    assert Commitment.objects.filter(pk=commitment.pk).exists()


def test_a_resident_takes_a_commitment_back_while_the_draft_is_open(resident) -> None:
    case = _start(resident)
    resident.post(f"/apply/services/cases/{case.pk}/commitments/residence/", {"agree": "on", "signed_name": NAME})
    commitment = Commitment.objects.get(case=case)
    back = resident.post(f"/apply/services/commitments/{commitment.pk}/withdraw/", {"step": "residence"})
    assert back.status_code == 302 and back["Location"].endswith("/residence/")
    assert not Commitment.objects.exists()
    assert audit_trail(case).filter(action="commitment_withdraw").exists()


def test_officers_edit_the_table_and_caseworkers_only_read_it(client_for, officer, caseworker) -> None:
    staff = en(client_for(caseworker))
    page = staff.get("/workbench/commitments/items/").content.decode()
    assert "Proof of where you live" in page and "Add a row" not in page
    assert staff.post("/workbench/commitments/items/", {}).status_code == 403
    boss = en(client_for(officer))
    added = boss.post(
        "/workbench/commitments/items/",
        {
            "kind": "difficulty_recognition",
            "purpose": "graduate_unemployed",
            "valid_from": "2027-01-01",
            "valid_to": "",
            "source": "国办发〔2020〕42号",
        },
    )
    assert added.status_code == 302
    item = CommitmentItem.objects.get(purpose="graduate_unemployed")
    assert audit_trail(item).get().action == "commitment_item_add"
    assert staff.post(f"/workbench/commitments/items/{item.pk}/end/", {"valid_to": "2027-06-30"}).status_code == 403
    boss.post(f"/workbench/commitments/items/{item.pk}/end/", {"valid_to": "2027-06-30"})
    item.refresh_from_db()
    assert item.valid_to == date(2027, 6, 30)


def test_a_caseworker_opens_a_check_outside_the_sample_and_another_county_cannot(
    resident, county, client_for, caseworker_wusu, caseworker
) -> None:
    case = _start(resident)
    resident.post(f"/apply/services/cases/{case.pk}/commitments/residence/", {"agree": "on", "signed_name": NAME})
    case = _finish(resident, case, county("654202").pk)
    staff = en(client_for(caseworker_wusu))
    staff.post(f"/workbench/cases/{case.pk}/claim/")
    staff.post(f"/workbench/cases/{case.pk}/approve/", {"approve-amount": "", "approve-override_reason": ""})
    assert 'data-testid="order-check"' in staff.get(f"/workbench/cases/{case.pk}/").content.decode()
    other = en(client_for(caseworker))
    reason = {"reason": "群众举报该居民实际住在外地"}
    assert other.post(f"/workbench/cases/{case.pk}/order-commitment-check/", reason).status_code == 404
    assert not CommitmentCheck.objects.exists()
    staff.post(f"/workbench/cases/{case.pk}/order-commitment-check/", {"reason": "x"})
    assert not CommitmentCheck.objects.exists()  # a reason that says nothing
    opened = staff.post(f"/workbench/cases/{case.pk}/order-commitment-check/", reason)
    check = CommitmentCheck.objects.get(case=case)
    assert opened["Location"].endswith(f"/workbench/commitments/{check.pk}/")
    assert audit_trail(check).get(action="commitment_check_open").reason == reason["reason"]
    assert commitment_draws_due() == 1  # the nightly draw still records its draw, and opens no second check
    assert CommitmentCheck.objects.filter(case=case).count() == 1


def test_a_resident_promises_a_hardship_fact_instead_of_evidence_for_recognition(
    resident, client_for, caseworker_wusu
) -> None:
    """（九） recognition: "zero-employment family" may be promised; "partly disabled" must still be proven."""
    person = resident.user.resident.person  # type: ignore[attr-defined]
    registration_open(person=person, registered_on=timezone.localdate(), actor=None)
    page = resident.post("/apply/services/difficulty-recognition/")
    page = resident.post(page["Location"], {"categories": ["zero_employment_family", "disabled_unemployed"]})
    case = Case.objects.get(person=person, kind="difficulty_recognition")
    evidence_url = f"/apply/services/difficulty-recognition/{case.pk}/evidence/"
    step = resident.get(evidence_url).content.decode()
    assert "commitments/zero_employment_family/" in step
    assert "commitments/disabled_unemployed/" not in step  # not in the table: upload only
    assert 'name="zero_employment_family"' in step and 'name="disabled_unemployed"' in step

    signed = resident.post(
        f"/apply/services/cases/{case.pk}/commitments/zero_employment_family/?step=evidence",
        {"agree": "on", "signed_name": NAME},
    )
    assert signed["Location"].endswith("/evidence/")
    step = resident.get(evidence_url).content.decode()
    assert 'name="zero_employment_family"' not in step  # no upload asked for a promised item
    assert 'name="disabled_unemployed"' in step
    # The disability must still be proven: the step stays until it is uploaded.
    still = resident.post(evidence_url, {})
    assert still["Location"].endswith("/evidence/")
    png = SimpleUploadedFile("残疾证.png", PNG, content_type="image/png")
    page = resident.post(evidence_url, {"disabled_unemployed": png})
    page = resident.post(page["Location"], {"declaration": "on"})
    html = resident.get(page["Location"]).content.decode()
    assert "commitment signed instead of evidence" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert resident.post(page["Location"], {"token": token}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    review = en(client_for(caseworker_wusu)).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "Promised rather than proven" in review and "Zero-employment family" in review


def test_nothing_is_offered_to_promise_where_nothing_has_to_be_shown(
    client_for, make_resident_user, make_person, county
) -> None:
    """Household registration in the county one lives in: no residence proof is asked for, so none is offered to be
    promised; choosing another county asks for one, and offers the commitment on the same page."""
    user = make_resident_user(make_person(area="654202", county="654202"))
    client = en(client_for(user))
    client.user = user  # type: ignore[attr-defined]
    case = _start(client)
    step = f"{REGISTRATION}/{case.pk}/residence/"
    assert "Sign a commitment instead" not in client.get(step).content.decode()
    page = client.post(step, {"residence_county": county("654201").pk, "address": "塔城市"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "residence permit" in html and "Sign a commitment instead" in html
