"""Roles, two-factor sign-in for the back office, and lockout after repeated wrong passwords."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import ROLE_PERMISSIONS, Role
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def back_office_paths() -> list[str]:
    """Every back-office URL that takes no argument: the workbench's and the admin's."""
    paths: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if "<" in route or "(" in route:
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route.lstrip("^"))
            else:
                paths.append("/" + prefix + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted({p for p in paths if p.startswith(("/workbench/", "/admin/"))})


def test_every_role_exists_with_exactly_its_permissions() -> None:
    for role, wanted in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert granted == set(wanted), role


def test_the_auditor_can_read_everything_and_change_nothing(make_user) -> None:
    auditor = make_user(Role.AUDITOR)
    assert auditor.has_perm("portal.view_all_counties")
    assert not auditor.has_perm("portal.decide_case")
    assert not auditor.has_perm("portal.reveal_sensitive")
    assert not auditor.has_perm("portal.manage_parameters")


def test_a_caseworker_is_bound_to_one_county_and_an_officer_sees_all(make_user) -> None:
    caseworker = make_user(Role.COUNTY_CASEWORKER, county_code="654202")
    assert caseworker.county.name == "乌苏市"
    assert not caseworker.has_perm("portal.view_all_counties")
    assert make_user(Role.PREFECTURE_OFFICER).has_perm("portal.view_all_counties")


def test_there_is_a_back_office_page_list_to_check() -> None:
    paths = back_office_paths()
    assert "/workbench/" in paths
    assert "/admin/" in paths


@pytest.mark.parametrize("role", [Role.COUNTY_CASEWORKER, Role.PREFECTURE_OFFICER, Role.AUDITOR])
def test_staff_without_a_confirmed_totp_device_are_refused_every_back_office_page(make_user, role: Role) -> None:
    user = make_user(role, county_code="654201" if role == Role.COUNTY_CASEWORKER else None, totp=False)
    client = Client()
    client.force_login(user)  # password accepted, no second factor
    for path in back_office_paths():
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("accounts:two-factor")), path


def test_applicants_are_refused_the_back_office(make_user, client_for) -> None:
    client = client_for(make_user(Role.RESIDENT_APPLICANT))
    for path in back_office_paths():
        assert client.get(path).status_code == 403, path


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get("/workbench/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fworkbench%2F"


def test_a_caseworker_signs_in_with_password_then_totp_code(make_user) -> None:
    user = make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.qiang")
    device = TOTPDevice.objects.get(user=user)
    client = Client()
    response = client.post(
        "/accounts/login/?next=/workbench/", {"username": "li.qiang", "password": TEST_PASSWORD, "next": "/workbench/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
    assert client.get("/workbench/").status_code == 302  # not yet verified

    wrong = client.post(response["Location"], {"otp_token": "000000" if totp(device.bin_key) else "111111"})
    assert wrong.status_code == 200
    assert "验证码不正确或已过期" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles a device for 1 s after a wrong code (doubling each time)

    response = client.post(response["Location"], {"otp_token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert response["Location"] == "/workbench/"
    page = client.get("/workbench/")
    assert page.status_code == 200
    assert "塔城市" in page.content.decode()


def test_a_caseworker_without_a_device_enrols_one_before_entering(make_user) -> None:
    make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="new.hire", totp=False)
    client = Client()
    client.post("/accounts/login/", {"username": "new.hire", "password": TEST_PASSWORD})
    page = client.get("/accounts/two-factor/?next=/workbench/")
    assert "<svg" in page.content.decode()  # the QR code, drawn locally
    device = TOTPDevice.objects.get(user__username="new.hire", confirmed=False)
    response = client.post("/accounts/two-factor/?next=/workbench/", {"otp_token": f"{totp(device.bin_key):06d}"})
    assert response["Location"] == "/workbench/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/workbench/").status_code == 200


def test_a_caseworker_without_a_county_is_refused(make_user, client_for) -> None:
    client = client_for(make_user(Role.COUNTY_CASEWORKER))
    assert client.get("/workbench/").status_code == 403


def test_six_wrong_passwords_lock_the_account(make_user) -> None:
    make_user(Role.RESIDENT_APPLICANT, username="target")
    client = Client()
    for _ in range(6):
        response = client.post("/accounts/login/", {"username": "target", "password": "wrong-password"})
    # Even the right password is refused now.
    response = client.post("/accounts/login/", {"username": "target", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_do_not_lock_the_account(make_user) -> None:
    make_user(Role.RESIDENT_APPLICANT, username="forgetful")
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "forgetful", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": "forgetful", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_admin_is_behind_the_same_two_factor_rule(make_user) -> None:
    user = make_user(Role.PREFECTURE_OFFICER, totp=False)
    user.is_staff = True
    user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
