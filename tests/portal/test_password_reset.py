"""Forgotten passwords: a resident sets a new one with a code texted to the phone of the account; an enterprise
clerk with a link by email. Written also as the stranger who types someone else's phone or email."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from portal import sms
from portal.roles import Role
from tests.conftest import RESIDENT_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tacheng-New-Password-7"


@pytest.fixture(autouse=True)
def _empty_outboxes():
    sms.outbox.clear()


@pytest.fixture
def resident(make_resident):
    user, _person = make_resident(registered_on=None)
    return user


def _code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def test_a_resident_sets_a_new_password_with_the_code_texted_to_their_phone(
    resident, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in page
    phone = resident.username
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"phone": f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"})
    assert response["Location"] == "/accounts/password/reset/code/"
    assert phone not in response["Location"]
    assert sms.outbox[-1].phone == phone
    response = client.post("/accounts/password/reset/code/", {"code": _code(), "password": NEW_PASSWORD})
    assert response.status_code == 200 and "密码已更改" in response.content.decode()
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD) and not resident.check_password(RESIDENT_PASSWORD)


def test_a_wrong_code_changes_nothing_and_says_so_next_to_the_field(
    resident, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"phone": resident.username})
    wrong = "000000" if _code() != "000000" else "111111"
    response = client.post("/accounts/password/reset/code/", {"code": wrong, "password": NEW_PASSWORD})
    assert response.status_code == 400 and 'id="id_code_error"' in response.content.decode()
    resident.refresh_from_db()
    assert resident.check_password(RESIDENT_PASSWORD)


def test_a_stranger_learns_nothing_about_whether_a_phone_has_an_account(
    resident, django_capture_on_commit_callbacks
) -> None:
    """The same answer for a phone with and without an account; a text only to the account's own phone."""
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post("/accounts/password/reset/", {"phone": resident.username})
        unknown = Client().post("/accounts/password/reset/", {"phone": "13700000000"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.phone for m in sms.outbox] == [resident.username]


def test_an_enterprise_clerk_gets_a_link_by_email(make_user) -> None:
    clerk = make_user(Role.ENTERPRISE_APPLICANT, username="zhou.min")
    clerk.email = "zhou.min@example.com"
    clerk.save()
    client = Client()
    response = client.post("/accounts/password/reset/email/", {"email": "zhou.min@example.com"})
    assert response["Location"] == "/accounts/password/reset/email/sent/"
    link = re.search(r"http://testserver(/accounts/password/reset/email/\S+/)", mail.outbox[-1].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "密码已更改" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    stranger = Client().post("/accounts/password/reset/email/", {"email": "nobody@example.com"})
    assert stranger["Location"] == "/accounts/password/reset/email/sent/"
    assert len(mail.outbox) == 1


def test_password_rules_are_worded_in_chinese_on_a_chinese_page(resident, django_capture_on_commit_callbacks) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"phone": resident.username})
    page = client.post("/accounts/password/reset/code/", {"code": _code(), "password": "short"}).content.decode()
    assert "密码太短：请至少使用 10 个字符。" in page
    assert "This password is too short" not in page
