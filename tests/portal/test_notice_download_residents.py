"""A resident downloads the documents the portal tells them to download (clause （九）): their registration
certificate and the notices of their own applications; nobody else's, whoever asks."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from portal.roles import Role
from registry.services import registration_open
from subsidies.document_jobs import registration_certificate_order
from subsidies.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def certificate(make_resident, django_capture_on_commit_callbacks):
    """(the resident's account, their registration certificate)."""
    user, person = make_resident(registered_on=None)
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_open(person=person, registered_on=date(2026, 11, 2), actor=None)
        registration_certificate_order(registration=registration, actor=None)
    return user, Notice.objects.get(job__registration=registration)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_resident_downloads_their_own_registration_certificate(certificate) -> None:
    user, notice = certificate
    page = _signed_in(user).get("/apply/services/").content.decode()
    assert f"/apply/notices/{notice.pk}/" in page  # the page offers it
    response = _signed_in(user).get(f"/apply/notices/{notice.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_another_resident_and_an_enterprise_get_nothing(certificate, make_resident, make_user) -> None:
    _user, notice = certificate
    other, _person = make_resident("654202199001010016", name="李娜", registered_on=None)
    assert _signed_in(other).get(f"/apply/notices/{notice.pk}/").status_code == 404
    enterprise = make_user(Role.ENTERPRISE_APPLICANT)
    assert _signed_in(enterprise).get(f"/apply/notices/{notice.pk}/").status_code == 404
