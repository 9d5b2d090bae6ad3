"""Issue 13, point 8: no throttling. One client sent 8 sign-up texts in 18 s (each writing a Person), 21
confirmation emails to one address, and guessed /verify/ codes and API calls freely; the objection limit counted
REMOTE_ADDR, which behind the README's TLS proxy is the whole prefecture. Tried again as the attacker, with the
rates shrunk through settings so that each test stays short."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import timezone

from portal import sms
from portal.ratelimits import client_ip
from portal.roles import Role
from registry.models import County, Person
from registry.services import enterprise_register
from subsidies.cases import publication
from subsidies.models import NoticeListKind, Objection

pytestmark = pytest.mark.django_db

RESIDENT = {
    "name": "阿依古丽·买买提",
    "id_number": "654202199807080021",
    "password": "Xinjiang-Tacheng-1",
}


@pytest.fixture
def rates(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "resident_signup": {"ip": "3/h", "phone": "2/h"},
        "email_resend": {"ip": "20/h", "email": "2/h"},
        "verify": {"ip": "3/m"},
        "objection": {"ip": "2/h"},
        "api": {"ip": "3/m"},
    }
    return settings


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy trusted: the header is the client's word, ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # the left entry was sent by the client itself
        (2, "198.51.100.66, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies_only(settings, trusted, forwarded, expected) -> None:
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_resident_sign_ups_from_one_client_are_limited(rates, django_capture_on_commit_callbacks) -> None:
    sms.outbox.clear()
    county = str(County.objects.get(code="654202").pk)
    client = Client()
    answers = []
    for i in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/accounts/signup/resident/", {**RESIDENT, "residence_county": county, "phone": f"1391234560{i}"}
            )
        answers.append(response.status_code)
    assert answers == [302, 302, 302, 429, 429]
    assert len(sms.outbox) == 3
    assert not Person.objects.exists()
    assert "请求过于频繁" in response.content.decode()


def test_behind_the_proxy_each_resident_has_their_own_count(rates, django_capture_on_commit_callbacks) -> None:
    rates.TRUSTED_PROXY_COUNT = 1
    county = str(County.objects.get(code="654202").pk)
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for i in range(6):  # six residents, one proxy
        with django_capture_on_commit_callbacks(execute=True):
            response = proxy.post(
                "/accounts/signup/resident/",
                {**RESIDENT, "residence_county": county, "phone": f"1380000000{i}"},
                HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
            )
        assert response.status_code == 302
    # One client rotating a forged left entry is still one client.
    codes = [
        proxy.post(
            "/accounts/signup/resident/",
            {**RESIDENT, "residence_county": county, "phone": f"1370000000{i}"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.99",
        ).status_code
        for i in range(4)
    ]
    assert codes[-1] == 429


def test_confirmation_emails_to_one_address_are_limited(rates, make_user) -> None:
    user = make_user(Role.ENTERPRISE_APPLICANT, username="wang.fang@example.com")
    user.email = "wang.fang@example.com"
    user.save()
    user.memberships.model.objects.create(user=user, enterprise=_enterprise(), email_confirmed_at=None)
    mail.outbox.clear()
    client = Client()
    client.force_login(user)
    codes = [client.post("/accounts/confirm-email/resend/").status_code for _ in range(4)]
    assert codes == [302, 302, 429, 429]
    assert len(mail.outbox) == 2


def _enterprise():
    return enterprise_register(
        credit_code="91654201312345673Q",
        name="塔城测试企业有限公司",
        county=County.objects.get(code="654201"),
        size_class="small",
        actor=None,
    )


def test_verify_codes_cannot_be_guessed_freely(rates) -> None:
    client = Client()
    codes = [client.get(f"/verify/ABCDEFGH{i:02d}/").status_code for i in range(5)]
    assert codes == [404, 404, 404, 429, 429]


def test_the_api_answers_429_in_json(rates) -> None:
    client = Client()
    for _ in range(3):
        assert client.get("/api/v1/calculations/").status_code == 200
    response = client.get("/api/v1/calculations/")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["detail"]


def test_a_ten_megabyte_api_body_is_a_json_400() -> None:
    response = Client().post(
        "/api/v1/calculations/stable-job-refund/",
        data=b"{" + b" " * (10 * 1024 * 1024),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["errors"]


def test_objections_are_counted_per_resident_behind_the_proxy(
    rates, make_user, officer, caseworker, make_enterprise, submit_refund, claim_and_approve
) -> None:
    rates.TRUSTED_PROXY_COUNT = 1
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    claim_and_approve(submit_refund(applicant, make_enterprise(officer)), caseworker)
    notice = publication.notice_publish(
        kind=NoticeListKind.REFUND_APPROVALS, county=None, title="公示", starts_on=timezone.localdate(), actor=officer
    )
    data = {"entry": notice.entries.get().pk, "name": "张三", "contact": "13800000000", "text": "有裁员", "website": ""}
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for i in range(4):  # four people behind one proxy
        response = proxy.post(f"/notices/{notice.pk}/object/", data, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
        assert response.status_code == 302
    same = [
        proxy.post(f"/notices/{notice.pk}/object/", data, HTTP_X_FORWARDED_FOR="203.0.113.0").status_code
        for _ in range(2)
    ]
    assert same == [302, 429]  # the second one of this person passes, the third is refused
    assert Objection.objects.count() == 5
