"""Issue 18, point 3: where a case stands, without an account (/progress/). The reference number and the phone (or
credit code) given on the application show the state, the timeline in plain words, the next step and the office;
never a name, an amount, a reason or an ID number. A wrong phone and an unknown reference read the same; lookups
are limited per address and per reference, counted in Redis as in production."""

from __future__ import annotations

import logging
import re
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.models import ServiceOffice
from subsidies.cases import workflow

pytestmark = pytest.mark.django_db

PHONE = "13999012345"
NAME = "古丽娜尔·艾力"
RETURN_REASON = "请补充居住证明原件照片"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def redis_counts(settings):
    """The rate-limit counters in Redis (the test settings keep them in memory), under a key prefix of this test."""
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": django_settings.REDIS_URL,
            "KEY_PREFIX": f"progress-test-{uuid.uuid4().hex}",
        },
    }
    yield settings
    caches["ratelimit"].clear()


@pytest.fixture
def returned_registration(make_person, make_resident_user, submit_registration, caseworker_wusu):
    """A resident's unemployment registration (clause （九）) in 乌苏市, returned for correction with a reason."""
    user = make_resident_user(make_person(name=NAME, phone=PHONE))
    case = submit_registration(user)
    workflow.case_take(case=case, actor=caseworker_wusu)
    return workflow.case_return(case=case, reason=RETURN_REASON, actor=caseworker_wusu)


def _lookup(client: Client, reference: str, contact: str, **extra):
    return client.post("/progress/", {"reference": reference, "contact": contact}, **extra)


def _english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_it_shows_the_state_timeline_next_step_and_office_for_the_right_phone(returned_registration) -> None:
    case = returned_registration
    # Typed as people type it: spaces, a country code, the reference in lower case.
    response = _lookup(_english(), f" {case.reference.lower()} ", "+86 139 9901 2345")
    assert response.status_code == 200
    page = response.content.decode()
    assert case.reference in page
    assert "Unemployment registration" in page
    assert re.search(r'data-testid="progress-state">\s*Returned', page)
    assert "Correct your application as the caseworker asks, then resubmit it." in page
    # The timeline in the applicant's own words, without the caseworker's reason.
    assert "You submitted the application. Reference number: " + case.reference in page
    assert "It was returned to you for correction. Sign in to read what to correct." in page
    # The county's office to call.
    offices = page.split('data-testid="progress-offices"')[1].split("</ul>")[0]
    wusu = ServiceOffice.objects.get(county__code="654202")
    assert wusu.phone in offices
    assert wusu.name_en in offices
    # Nothing about the person: no name, ID number (whole or masked), phone or reason.
    person = case.person
    for secret in (NAME, person.id_number, person.id_number_masked, PHONE, "139****2345", RETURN_REASON):
        assert secret not in page
    assert "no-store" in response["Cache-Control"]


def test_an_enterprise_sees_its_approved_case_by_credit_code_without_the_amount(
    approve_refund, make_user, caseworker, officer
) -> None:
    from portal.roles import Role

    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    case = approve_refund(applicant, caseworker, officer)
    response = _lookup(_english(), case.reference, "9165 4201 3123 4567 3q")
    page = response.content.decode()
    assert re.search(r'data-testid="progress-state">\s*Approved', page)
    assert "It was approved." in page
    for secret in (case.enterprise.name, "24,000", "24000", "¥", "6222021234567890123", "0123"):
        assert secret not in page


def test_a_wrong_phone_and_an_unknown_reference_get_the_same_page(
    returned_registration, make_person, make_resident_user
) -> None:
    case = returned_registration
    other_phone = "13811112222"
    # Someone else's real phone, on a real reference; and the right phone on a reference that does not exist.
    make_resident_user(make_person(phone=other_phone))
    wrong_phone = _lookup(_english(), case.reference, other_phone)
    unknown = _lookup(_english(), case.reference[:-6] + "999999", PHONE)
    assert wrong_phone.status_code == unknown.status_code == 200
    assert 'data-testid="progress-not-found"' in wrong_phone.content.decode()
    assert CSRF.sub("", wrong_phone.content.decode()) == CSRF.sub("", unknown.content.decode())
    assert {k: v for k, v in wrong_phone.items() if k not in ("Set-Cookie", "X-Request-ID")} == {
        k: v for k, v in unknown.items() if k not in ("Set-Cookie", "X-Request-ID")
    }
    # Neither echoes what was typed.
    for response in (wrong_phone, unknown):
        assert case.reference[:-6] not in response.content.decode()
        assert other_phone not in response.content.decode()


def test_a_wrong_phone_and_an_unknown_reference_do_the_same_work(returned_registration) -> None:
    """The same queries, in number and shape, so that neither the database nor the clock tells them apart."""
    case = returned_registration
    client = _english()
    client.get("/progress/")  # the footer's offices are cached by the first page
    shapes = []
    for reference, contact in ((case.reference, "13811112222"), (case.reference[:-6] + "999999", PHONE)):
        with CaptureQueriesContext(connection) as queries:
            assert 'data-testid="progress-not-found"' in _lookup(client, reference, contact).content.decode()
        shapes.append([query["sql"].replace(case.reference[:-6] + "999999", case.reference) for query in queries])
    assert len(shapes[0]) == len(shapes[1]) == 1
    assert shapes[0] == shapes[1]


def test_a_stranger_cannot_look_up_by_query_string(returned_registration) -> None:
    """A phone must never travel in an address: a GET with the fields shows the empty form, nothing more."""
    case = returned_registration
    response = _english().get("/progress/", {"reference": case.reference, "contact": PHONE})
    assert response.status_code == 200
    page = response.content.decode()
    assert "progress-state" not in page
    assert PHONE not in page


def test_the_caseworkers_phone_does_not_open_a_case_entered_for_someone(
    returned_registration, caseworker_wusu
) -> None:
    caseworker_wusu.phone = "13700001111"
    caseworker_wusu.save()
    case = returned_registration
    response = _lookup(_english(), case.reference, caseworker_wusu.phone)
    assert 'data-testid="progress-not-found"' in response.content.decode()


def test_guessing_the_phone_of_one_reference_is_stopped_from_any_address(redis_counts, returned_registration) -> None:
    redis_counts.TRUSTED_PROXY_COUNT = 1
    redis_counts.RATE_LIMITS = {**redis_counts.RATE_LIMITS, "progress": {"ip": "100/h", "reference": "3/h"}}
    case = returned_registration
    answers = [
        _lookup(_english(), case.reference, f"1381111222{i}", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(3)
    ]
    assert answers == [200, 200, 200]
    # The fourth try, even with the right phone and from a new address, is refused, and says when to try again.
    refused = _lookup(_english(), case.reference, PHONE, HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Try again after" in page
    assert int(refused["Retry-After"]) > 0
    assert "progress-state" not in page
    # Another reference is not held up by it.
    other = _lookup(_english(), "SY-654202-2019-000777", PHONE, HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert other.status_code == 200


def test_one_address_trying_many_references_is_stopped(redis_counts, returned_registration) -> None:
    redis_counts.TRUSTED_PROXY_COUNT = 1
    redis_counts.RATE_LIMITS = {**redis_counts.RATE_LIMITS, "progress": {"ip": "3/h", "reference": "100/h"}}
    case = returned_registration
    for n in range(3):
        response = _lookup(_english(), f"SY-654202-2019-00010{n}", PHONE, HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert response.status_code == 200
    refused = _lookup(_english(), case.reference, PHONE, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert refused.status_code == 429
    assert "progress-state" not in refused.content.decode()
    # Someone else, at another address, still gets their answer.
    elsewhere = _lookup(_english(), case.reference, PHONE, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert re.search(r'data-testid="progress-state">\s*Returned', elsewhere.content.decode())


def test_no_phone_reaches_the_logs(returned_registration, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    case = returned_registration
    _lookup(_english(), case.reference, PHONE)
    _lookup(_english(), case.reference, "13811112222")
    _lookup(_english(), case.reference, "not a phone")
    logged = caplog.text + " ".join(str(record.__dict__) for record in caplog.records)
    for secret in (PHONE, "13811112222", "139****2345"):
        assert secret not in logged


def test_a_mistyped_phone_is_said_so_without_looking_anything_up(returned_registration) -> None:
    response = _lookup(_english(), returned_registration.reference, "12345")
    page = response.content.decode()
    assert "Enter an 11-digit mobile phone number, or an 18-character unified social credit code." in page
    assert "progress-not-found" not in page
