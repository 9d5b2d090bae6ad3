"""Issue 13, point 5 and part of point 9: two-factor for every staff request, wherever its URL; the session key
rotates when the TOTP step passes; an idle staff session ends.

The attack: an officer's password alone (TOTP step skipped) downloaded any notice PDF at /apply/notices/<pk>/.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.middleware import LAST_SEEN_SESSION_KEY
from portal.models import EnterpriseMembership
from portal.roles import Role
from subsidies.models import DocumentKind, NoticeJob
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def notice(applicant, caseworker, officer, django_capture_on_commit_callbacks, approve_refund, publish_and_finalise):
    case = approve_refund(applicant, caseworker, officer)
    EnterpriseMembership.objects.create(user=applicant, enterprise=case.enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_and_finalise(case, officer)
    return NoticeJob.objects.get(case=case, kind=DocumentKind.APPROVAL).notice


def password_only(user) -> Client:
    """Signed in with the password, the TOTP step not taken."""
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("role", [Role.PREFECTURE_OFFICER, Role.AUDITOR, Role.COUNTY_CASEWORKER])
def test_a_staff_session_without_totp_downloads_no_notice(make_user, notice, role: Role) -> None:
    user = make_user(role, county_code="654201" if role == Role.COUNTY_CASEWORKER else None)
    response = password_only(user).get(f"/apply/notices/{notice.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")


@pytest.mark.parametrize(
    "path", ["/apply/", "/apply/services/", "/api/v1/openapi.json", "/workbench/cases/", "/admin/", "/notices/"]
)
def test_a_staff_session_without_totp_reaches_nothing_but_the_sign_in(make_user, path: str) -> None:
    client = password_only(make_user(Role.PREFECTURE_OFFICER))
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    assert client.get("/accounts/two-factor/").status_code == 200


def test_the_owner_still_downloads_the_notice(applicant, notice, client_for) -> None:
    assert client_for(applicant).get(f"/apply/notices/{notice.pk}/").status_code == 200


def test_the_session_key_changes_when_the_totp_step_passes(make_user) -> None:
    user = make_user(Role.COUNTY_CASEWORKER, county_code="654201")
    device = TOTPDevice.objects.get(user=user)
    client = password_only(user)
    before = client.cookies["sessionid"].value
    response = client.post("/accounts/two-factor/", {"otp_token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    # The key known before the step (e.g. planted by an attacker) opens nothing now.
    planted = Client()
    planted.cookies["sessionid"] = before
    assert planted.get("/workbench/").status_code == 302
    assert client.get("/workbench/").status_code == 200


def test_an_idle_staff_session_ends(make_user, client_for, settings) -> None:
    user = make_user(Role.COUNTY_CASEWORKER, county_code="654201")
    client = client_for(user)
    assert client.get("/workbench/").status_code == 200
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = time.time() - settings.STAFF_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "闲置" in client.get(response["Location"]).content.decode()
    assert client.get("/workbench/").status_code == 302  # signed out, not only redirected once


def test_an_active_staff_session_stays(make_user, client_for, settings) -> None:
    client = client_for(make_user(Role.COUNTY_CASEWORKER, county_code="654201"))
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = time.time() - settings.STAFF_IDLE_TIMEOUT + 60
    session.save()
    assert client.get("/workbench/").status_code == 200
