"""Sign-in as people do it (issue "sign-in traps"): a resident types their mobile number however they write it, or
their ID number; the page says so; staff land on the workbench after the two-factor step, not on the public home."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import Role
from subsidies.models import Track
from tests.conftest import RESIDENT_PASSWORD, TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(make_resident):
    user, person = make_resident("654201198503150018", name="古丽娜尔•艾力", registered_on=None)
    return user, person


@pytest.mark.parametrize("typed", ["{phone}", "+86 {p1} {p2} {p3}", "{p1}-{p2}-{p3}", "654201198503150018"])
def test_a_resident_signs_in_with_the_phone_written_any_way_or_the_id_number(resident, typed: str) -> None:
    user, _person = resident
    phone = user.username
    name = typed.format(phone=phone, p1=phone[:3], p2=phone[3:7], p3=phone[7:])
    response = Client().post("/accounts/login/", {"username": name, "password": RESIDENT_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/apply/services/"


def test_a_wrong_password_with_an_id_number_is_refused_like_any_other(resident) -> None:
    response = Client().post("/accounts/login/", {"username": "654201198503150018", "password": "wrong-password"})
    assert response.status_code == 200
    assert "手机号、身份证号或用户名" in response.content.decode() and "_auth_user_id" not in response.client.session


def test_someone_elses_id_number_without_an_account_signs_in_nobody(resident) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "654202199001010016", "password": RESIDENT_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_the_sign_in_page_says_what_to_type_and_offers_both_sign_ups() -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert "手机号、身份证号或用户名" in page
    assert 'href="/accounts/signup/resident/"' in page and 'href="/accounts/signup/enterprise/"' in page
    assert 'maxlength="11"' not in page  # "+86 139 9901 2345" is not cut off


def test_staff_land_on_the_workbench_after_the_two_factor_step(make_user) -> None:
    user = make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.qiang")
    device = TOTPDevice.objects.get(user=user)
    client = Client()
    response = client.post("/accounts/login/", {"username": "li.qiang", "password": TEST_PASSWORD})
    response = client.post(response["Location"], {"otp_token": f"{totp(device.bin_key):06d}"})
    assert response["Location"] == "/workbench/"


def test_every_backend_a_view_signs_in_with_is_one_the_settings_know() -> None:
    """A sign-up that signs its new account in names a backend; one missing from the settings signs it out again."""
    from django.conf import settings

    from portal.auth import SIGN_IN_BACKEND

    assert SIGN_IN_BACKEND in settings.AUTHENTICATION_BACKENDS


def test_the_sign_up_form_takes_the_phone_as_people_write_it_and_styles_every_input(county) -> None:
    from portal.forms.resident_accounts import ResidentSignupForm

    form = ResidentSignupForm(
        {
            "name": "古丽娜尔•艾力",
            "id_number": "654201198503150018",
            "residence_county": county("654201").pk,
            "phone": "+86 139 9901 2345",
            "password": "Xinjiang-Tacheng-1",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "13999012345"
    html = str(form["phone"])
    assert 'class="form-control"' in html and 'maxlength="20"' in html
    assert 'aria-describedby="id_phone_hint"' in html


def test_the_sign_in_inputs_are_styled_and_an_error_is_announced() -> None:
    page = Client().post("/accounts/login/", {"username": "nobody", "password": "x"}).content.decode()
    assert 'class="form-control"' in page and 'aria-invalid="true"' in page
    assert 'tabindex="-1" autofocus' in page  # the error summary takes the focus


def test_a_persons_name_is_called_姓名_and_the_standard_track_has_one_name() -> None:
    """Words a user reads: a person's name is 姓名 (名称 is an organisation's), and the standard track of the refund
    is 普通类型 wherever it is named."""
    page = Client().get("/accounts/signup/resident/").content.decode()
    assert '<label class="form-label fw-semibold" for="id_name">姓名</label>' in page
    with translation.override("zh-hans"):
        assert str(Track.STANDARD.label) == "普通类型"
