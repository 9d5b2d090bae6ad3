"""Resident accounts (issue 6): real name and ID number bound to the registry, phone confirmed by a code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from portal import sms
from portal.models import PhoneCode, ResidentAccount, User
from registry.models import County, Person
from registry.services import person_register

pytestmark = pytest.mark.django_db

ID = "654202199807080021"  # POLICY.md test number: a woman born 1998-07-08


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST as the browser does; codes are texted on commit, so run the commit callbacks as a real commit would."""
    sms.outbox.clear()

    def send(client: Client, path: str, data: dict | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {})

    return send


def sign_up(post, client: Client, **overrides: str):
    data = {
        "name": "阿依古丽·买买提",
        "id_number": ID,
        "residence_county": str(County.objects.get(code="654202").pk),
        "phone": "13912345678",
        "password": "Xinjiang-Tacheng-1",
        **overrides,
    }
    return post(client, "/accounts/signup/resident/", data)


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def test_it_texts_a_code_and_writes_nothing_before_it_is_confirmed(post, client: Client) -> None:
    response = sign_up(post, client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/resident/confirm/"
    assert sms.outbox[-1].phone == "13912345678"
    assert not Person.objects.exists()  # nothing in the registry before the code
    assert not User.objects.exists()
    page = client.get("/accounts/signup/resident/confirm/").content.decode()
    assert "139****5678" in page
    assert ID not in page


def test_the_right_code_activates_and_signs_in(post, client: Client) -> None:
    sign_up(post, client)
    response = post(client, "/accounts/signup/resident/confirm/", {"code": last_code()})
    assert response.status_code == 302
    user = User.objects.get(username="13912345678")
    assert user.is_active
    person = Person.objects.get()
    assert person.name == "阿依古丽·买买提" and person.sex == "F"
    assert person.residence_county.code == "654202"
    assert user.resident.person == person
    assert user.resident.phone_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_code_is_explained_next_to_the_field_and_attempts_are_limited(post, client: Client) -> None:
    sign_up(post, client)
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1, 0):
        page = post(client, "/accounts/signup/resident/confirm/", {"code": wrong}).content.decode()
        assert f"还剩 {left} 次" in page
    page = post(client, "/accounts/signup/resident/confirm/", {"code": right}).content.decode()
    assert "错误次数过多" in page
    assert not User.objects.exists()


def test_an_expired_code_is_refused(post, client: Client) -> None:
    sign_up(post, client)
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = post(client, "/accounts/signup/resident/confirm/", {"code": last_code()}).content.decode()
    assert "验证码已过期" in page


def test_resends_are_throttled(post, client: Client) -> None:
    sign_up(post, client)
    post(client, "/accounts/signup/resident/resend/")
    assert len(sms.outbox) == 1
    assert "秒后" in client.get("/accounts/signup/resident/confirm/").content.decode()
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    post(client, "/accounts/signup/resident/resend/")
    assert len(sms.outbox) == 2


def test_one_account_per_person(post, client: Client) -> None:
    sign_up(post, client)
    post(client, "/accounts/signup/resident/confirm/", {"code": last_code()})
    other = Client()
    assert sign_up(post, other, phone="13800000001").status_code == 302  # nothing told before the code
    response = post(other, "/accounts/signup/resident/confirm/", {"code": last_code()})
    assert response["Location"] == "/accounts/signup/resident/pending/"
    assert ResidentAccount.objects.count() == 1
    assert "服务机构" in other.get("/accounts/signup/resident/pending/").content.decode()


def test_a_person_in_the_registry_is_bound_when_the_phone_on_record_gets_the_code(post, client: Client) -> None:
    wusu = County.objects.get(code="654202")
    person_register(id_number=ID, name="阿依古丽·买买提", residence_county=wusu, actor=None, phone="13912345678")
    # The middle dot typed another way and a stray space still match the name on record.
    assert sign_up(post, client, name="阿依古丽 • 买买提").status_code == 302
    post(client, "/accounts/signup/resident/confirm/", {"code": last_code()})
    assert ResidentAccount.objects.get().person.name == "阿依古丽·买买提"
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "654202199807080022", "校验码"),
        ("id_number", "654202199902300021", "出生日期"),
        ("phone", "1391234567", "11 位手机号码"),
        ("password", "12345678901", "密码"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(post, client: Client, field: str, value: str, message: str) -> None:
    response = sign_up(post, client, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.exists() and not User.objects.exists()


def test_an_abandoned_sign_up_can_be_started_again(post, client: Client) -> None:
    sign_up(post, client)
    again = Client()
    # Within a minute the resend throttle still applies to the phone, and says so.
    assert "秒后可重新获取" in sign_up(post, again).content.decode()
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert sign_up(post, again).status_code == 302
    post(again, "/accounts/signup/resident/confirm/", {"code": last_code()})
    assert User.objects.filter(username="13912345678").count() == 1
