"""Issue 13, points 1-2: real-name takeover and ID squatting, tried as the attacker.

A stranger who knows a resident's name and ID number (both printed on many documents) must not get an account that
sees the resident's real-name file; an abandoned sign-up must not block the real owner; the sign-up form must not
tell whether an ID number, name or phone is known.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from portal import sms
from portal.models import IdentityClaim, ResidentAccount, User
from registry.models import AuditEvent, County, Person
from registry.services import person_name_normalised, person_register

pytestmark = pytest.mark.django_db

ID = "654202199807080021"  # POLICY.md test number: a woman born 1998-07-08
VICTIM_PHONE = "13912345678"
ATTACKER_PHONE = "13800000001"
VICTIM = "阿依古丽·买买提"


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    sms.outbox.clear()

    def send(client: Client, path: str, data: dict | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {})

    return send


@pytest.fixture
def victim() -> Person:
    return person_register(
        id_number=ID, name=VICTIM, residence_county=County.objects.get(code="654202"), actor=None, phone=VICTIM_PHONE
    )


def sign_up(post, client: Client, **overrides: str):
    data = {
        "name": VICTIM,
        "id_number": ID,
        "residence_county": str(County.objects.get(code="654202").pk),
        "phone": VICTIM_PHONE,
        "password": "Xinjiang-Tacheng-1",
        **overrides,
    }
    return post(client, "/accounts/signup/resident/", data)


def confirm_with_code_texted_to(post, client: Client, phone: str):
    message = [m for m in sms.outbox if m.phone == phone][-1]
    code = re.search(r"\b(\d{6})\b", message.text).group(1)
    return post(client, "/accounts/signup/resident/confirm/", {"code": code})


def test_a_stranger_with_the_name_and_id_number_and_their_own_phone_is_not_bound(post, victim: Person) -> None:
    attacker = Client()
    sign_up(post, attacker, phone=ATTACKER_PHONE)
    response = confirm_with_code_texted_to(post, attacker, ATTACKER_PHONE)
    assert response["Location"] == "/accounts/signup/resident/pending/"
    account = User.objects.get(username=ATTACKER_PHONE)
    assert not ResidentAccount.objects.filter(user=account).exists()
    # The account sees nothing of the victim's file.
    assert attacker.get("/apply/services/").status_code == 403
    page = attacker.get("/accounts/signup/resident/pending/").content.decode()
    assert "请携带居民身份证" in page
    assert "139****5678" not in page  # nothing from the file on record
    # The real person, with the phone on record, still signs up and is bound.
    owner = Client()
    sign_up(post, owner)
    assert confirm_with_code_texted_to(post, owner, VICTIM_PHONE)["Location"] == "/apply/services/"
    assert ResidentAccount.objects.get().person == victim
    assert ResidentAccount.objects.get().user.username == VICTIM_PHONE


def test_an_unconfirmed_sign_up_squats_nothing(post) -> None:
    squatter = Client()
    sign_up(post, squatter, name="王芳", phone=ATTACKER_PHONE)  # the code is never entered
    assert not Person.objects.exists()
    owner = Client()
    sign_up(post, owner)
    assert confirm_with_code_texted_to(post, owner, VICTIM_PHONE).status_code == 302
    assert Person.objects.get().name == VICTIM
    assert ResidentAccount.objects.get().person.name == VICTIM


def test_the_sign_up_form_answers_alike_whatever_exists(post, victim: Person, make_resident_user) -> None:
    other = person_register(
        id_number="654202199001010024",
        name="王芳",
        residence_county=County.objects.get(code="654202"),
        actor=None,
        phone="13700000000",
    )
    make_resident_user(other, username="13700000000")
    tries = {
        "unknown ID": {"id_number": "654201198503150018", "name": "张伟", "phone": "13600000001"},
        "known ID, wrong name": {"name": "王芳", "phone": "13600000002"},
        "known ID, other phone": {"phone": "13600000003"},
        "ID with an account": {"id_number": "654202199001010024", "name": "王芳", "phone": "13600000004"},
        "phone with an account": {"id_number": "654201198503150018", "phone": "13700000000"},
    }
    answers = set()
    for overrides in tries.values():
        response = sign_up(post, Client(), **overrides)
        answers.add((response.status_code, response.get("Location")))
    assert answers == {(302, "/accounts/signup/resident/confirm/")}
    assert Person.objects.count() == 2 and User.objects.count() == 1


def test_a_wrong_name_for_a_known_id_number_is_not_told_apart_from_another_phone(post, victim: Person) -> None:
    first, second = Client(), Client()
    sign_up(post, first, name="王芳", phone=ATTACKER_PHONE)
    one = confirm_with_code_texted_to(post, first, ATTACKER_PHONE)
    sign_up(post, second, phone="13600000009")
    two = confirm_with_code_texted_to(post, second, "13600000009")
    assert one["Location"] == two["Location"] == "/accounts/signup/resident/pending/"
    for client in (first, second):
        page = client.get("/accounts/signup/resident/pending/").content.decode()
        assert "无法在线确认该身份证号属于您" in page
        assert "139****5678" not in page  # the phone on record is never hinted at
    assert not ResidentAccount.objects.exists()


@pytest.mark.parametrize(
    "typed", ["阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽.买买提", " 阿依古丽 · 买买提 ", "阿依古丽·买买提"]
)
def test_names_compare_after_normalising_middle_dots_and_spaces(typed: str) -> None:
    assert person_name_normalised(typed) == person_name_normalised(VICTIM)
    assert person_name_normalised("阿依古丽买买提") != person_name_normalised(VICTIM)


def test_the_real_name_service_can_confirm_a_new_phone(post, victim: Person, settings) -> None:
    settings.IDENTITY_VERIFIER = "tests.portal.verifiers.AlwaysMatch"
    client = Client()
    sign_up(post, client, phone=ATTACKER_PHONE, name="阿依古丽.买买提")
    assert confirm_with_code_texted_to(post, client, ATTACKER_PHONE)["Location"] == "/apply/services/"
    assert ResidentAccount.objects.get().person == victim


@pytest.mark.parametrize("verifier", ["tests.portal.verifiers.AlwaysMismatch", "tests.portal.verifiers.Broken"])
def test_a_refusing_or_broken_real_name_service_binds_nothing(post, victim: Person, settings, verifier: str) -> None:
    settings.IDENTITY_VERIFIER = verifier
    client = Client()
    sign_up(post, client, phone=ATTACKER_PHONE)
    assert confirm_with_code_texted_to(post, client, ATTACKER_PHONE)["Location"] == "/accounts/signup/resident/pending/"
    assert not ResidentAccount.objects.exists()


def test_a_new_id_number_the_service_says_is_not_the_phones_holder_is_not_registered(post, settings) -> None:
    settings.IDENTITY_VERIFIER = "tests.portal.verifiers.AlwaysMismatch"
    client = Client()
    sign_up(post, client, phone=ATTACKER_PHONE)
    confirm_with_code_texted_to(post, client, ATTACKER_PHONE)
    assert not Person.objects.exists()
    assert IdentityClaim.objects.get().id_number_masked == "654202********0021"


def test_the_county_office_binds_a_waiting_account_after_seeing_the_id_card(
    post, victim: Person, caseworker_wusu: User, caseworker: User, client_for
) -> None:
    client = Client()
    sign_up(post, client, phone=ATTACKER_PHONE)  # the real person, whose phone changed
    confirm_with_code_texted_to(post, client, ATTACKER_PHONE)
    claim = IdentityClaim.objects.get()
    decision = {"decision": "confirm", "reason": "ID card shown at the counter, photo checked"}
    # Another county's caseworker neither sees nor decides it.
    outsider = client_for(caseworker)
    assert "654202********0021" not in outsider.get("/workbench/registry/identity-claims/").content.decode()
    assert outsider.post(f"/workbench/registry/identity-claims/{claim.pk}/decide/", decision).status_code == 404
    office = client_for(caseworker_wusu)
    assert "654202********0021" in office.get("/workbench/registry/identity-claims/").content.decode()
    short = office.post(
        f"/workbench/registry/identity-claims/{claim.pk}/decide/", {"decision": "confirm", "reason": "x"}
    )
    assert short.status_code == 400 and not ResidentAccount.objects.exists()
    office.post(f"/workbench/registry/identity-claims/{claim.pk}/decide/", decision)
    assert ResidentAccount.objects.get().person == victim
    assert client.get("/apply/services/").status_code == 200
    assert AuditEvent.objects.filter(action="identity_claim_confirm", actor=caseworker_wusu).exists()
