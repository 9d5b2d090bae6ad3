"""Enterprise accounts: sign-up bound to the registry's enterprise, email confirmation, landing on "my applications"."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.models import EnterpriseMembership, User
from portal.roles import Role
from registry.audit import audit_trail
from registry.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks, monkeypatch):  # type: ignore[no-untyped-def]
    """The confirmation email leaves on commit; these tests run in a transaction that never commits, so each
    request's on-commit callbacks run when the request ends (as they would after a real commit)."""
    original = Client.request

    def request(self, **kwargs):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, **kwargs)

    monkeypatch.setattr(Client, "request", request)


SIGNUP = "/accounts/signup/enterprise/"
PASSWORD = "Tacheng-Refund-2019"


def form(**overrides: str) -> dict[str, str]:
    data = {
        "credit_code": "91654201312345673Q",
        "enterprise_name": "塔城测试企业有限公司",
        "county": "",
        "size_class": "",
        "contact_name": "王芳",
        "phone": "13912345678",
        "email": "wang.fang@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def county_pk(code: str) -> str:
    from registry.models import County

    return str(County.objects.get(code=code).pk)


def confirmation_path(message: mail.EmailMessage) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_it_registers_a_new_enterprise_and_binds_the_account() -> None:
    client = Client()
    response = client.post(
        SIGNUP, form(credit_code="92654202MA7XK2B12N", county=county_pk("654202"), size_class="small")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup-sent")
    user = User.objects.get(username="wang.fang@example.com")
    assert user.has_role(Role.ENTERPRISE_APPLICANT)
    assert user.has_perm("portal.apply_as_enterprise")
    membership = EnterpriseMembership.objects.get(user=user)
    assert membership.enterprise.credit_code == "92654202MA7XK2B12N"
    assert membership.enterprise.county.code == "654202"
    assert membership.email_confirmed_at is None
    assert audit_trail(membership.enterprise).filter(action="enterprise_register").count() == 1
    assert audit_trail(membership).filter(action="enterprise_account_register").count() == 1
    assert "_auth_user_id" not in client.session  # signed in only after confirming, like everyone
    client.post(reverse("accounts:login"), {"username": "wang.fang@example.com", "password": PASSWORD})
    page = client.get(reverse("accounts:check-email")).content.decode()
    assert "wang.fang@example.com" in page
    assert len(mail.outbox) == 1


def test_it_explains_a_wrong_credit_code_in_chinese_next_to_the_field() -> None:
    response = Client().post(SIGNUP, form(credit_code="91654201312345673A"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "信用代码的校验码（第18位）与其他各位不符" in page
    assert 'id="id_credit_code_error"' in page
    assert 'href="#id_credit_code"' in page  # the error summary links to the field
    assert not User.objects.exists()
    assert not Enterprise.objects.exists()


def test_a_new_enterprise_needs_its_county_and_size() -> None:
    response = Client().post(SIGNUP, form(credit_code="93654221076543212B"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_county_error"' in page and 'id="id_size_class_error"' in page
    assert not User.objects.exists()


def test_it_matches_an_enterprise_already_in_the_registry(officer, make_enterprise) -> None:  # type: ignore[no-untyped-def]
    imported = make_enterprise(officer)
    response = Client().post(SIGNUP, form(enterprise_name="typed differently"))
    assert response.status_code == 302
    membership = EnterpriseMembership.objects.get(user__username="wang.fang@example.com")
    assert membership.enterprise == imported
    assert Enterprise.objects.count() == 1


def test_a_second_staff_member_joins_the_same_enterprise(officer, make_enterprise) -> None:  # type: ignore[no-untyped-def]
    make_enterprise(officer)
    Client().post(SIGNUP, form())
    Client().post(SIGNUP, form(email="li.na@example.com", contact_name="李娜", phone="13812345678"))
    ent = Enterprise.objects.get()
    assert sorted(ent.memberships.values_list("user__username", flat=True)) == [
        "li.na@example.com",
        "wang.fang@example.com",
    ]


def test_an_address_in_use_gets_the_same_answer_and_only_its_owner_hears_of_it(officer, make_enterprise) -> None:  # type: ignore[no-untyped-def]
    """As a stranger probing addresses: a used one answers exactly like a new one; no second account; the
    address's owner is told by email (with the sign-in and reset links), and nobody else."""
    make_enterprise(officer)
    first = Client().post(SIGNUP, form())
    second = Client().post(SIGNUP, form(email="WANG.FANG@example.com"))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("accounts:signup-sent")
    assert User.objects.filter(email__iexact="wang.fang@example.com").count() == 1
    assert [m.to for m in mail.outbox] == [["wang.fang@example.com"], ["wang.fang@example.com"]]
    assert "/accounts/password/reset/email/" in mail.outbox[1].body


def test_it_applies_the_password_validators() -> None:
    response = Client().post(SIGNUP, form(password1="12345678", password2="12345678"))
    assert 'id="id_password1_error"' in response.content.decode()
    response = Client().post(SIGNUP, form(password2="something-else-2019"))
    assert 'id="id_password2_error"' in response.content.decode()
    assert not User.objects.exists()


def test_the_email_link_confirms_the_address(officer, make_enterprise) -> None:  # type: ignore[no-untyped-def]
    make_enterprise(officer)
    client = Client()
    client.post(SIGNUP, form())
    path = confirmation_path(mail.outbox[0])
    membership = EnterpriseMembership.objects.get()
    # Opening the link shows a button; it does not confirm by itself (mail scanners open links).
    assert client.get(path).status_code == 200
    membership.refresh_from_db()
    assert membership.email_confirmed_at is None
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")  # confirmed; now sign in
    membership.refresh_from_db()
    assert membership.email_confirmed_at is not None


def test_a_tampered_confirmation_link_is_refused(officer, make_enterprise) -> None:  # type: ignore[no-untyped-def]
    make_enterprise(officer)
    Client().post(SIGNUP, form())
    path = confirmation_path(mail.outbox[0])
    response = Client().post(path.replace("/confirm-email/", "/confirm-email/x"))
    assert response.status_code == 400
    assert EnterpriseMembership.objects.get().email_confirmed_at is None


def test_the_link_can_be_sent_again(officer, make_enterprise) -> None:  # type: ignore[no-untyped-def]
    make_enterprise(officer)
    client = Client()
    client.post(SIGNUP, form())
    client.post(reverse("accounts:login"), {"username": "wang.fang@example.com", "password": PASSWORD})
    client.post(reverse("accounts:resend-confirmation"))
    assert len(mail.outbox) == 2
    assert confirmation_path(mail.outbox[1])


def test_an_enterprise_user_lands_on_my_applications_after_sign_in(officer, make_enterprise) -> None:  # type: ignore[no-untyped-def]
    make_enterprise(officer)
    Client().post(SIGNUP, form())
    response = Client().post(reverse("accounts:login"), {"username": "wang.fang@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("apply:index")


def test_the_sign_in_page_links_to_enterprise_sign_up() -> None:
    page = Client().get(reverse("accounts:login")).content.decode()
    assert SIGNUP in page
