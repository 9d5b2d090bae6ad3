"""Issue 18, point 5: the large-print switch (适老化) in the header of every page: a plain POST form, remembered in
the session and for a year in a cookie, so that it holds across pages and after signing in."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import RESIDENT_PASSWORD

pytestmark = pytest.mark.django_db

SWITCH = "/accounts/large-print/"


def _large(page: str) -> bool:
    return '<body class="large-print">' in page


def test_it_turns_large_print_on_and_returns_to_the_page() -> None:
    client = Client()
    assert not _large(client.get("/policies/").content.decode())
    response = client.post(SWITCH, {"large_print": "on", "next": "/policies/"})
    assert response.status_code == 302
    assert response["Location"] == "/policies/"
    cookie = response.cookies["large_print"]
    assert cookie.value == "1"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    assert cookie["httponly"]
    page = client.get("/policies/").content.decode()
    assert _large(page)
    assert 'aria-pressed="true"' in page
    # Remembered on every other page too, and turned off the same way.
    assert _large(client.get("/").content.decode())
    client.post(SWITCH, {"large_print": "off", "next": "/"})
    page = client.get("/").content.decode()
    assert not _large(page)
    assert 'aria-pressed="false"' in page


def test_the_switch_is_on_every_page_and_the_stylesheet_is_served_from_the_portal() -> None:
    for url in ("/", "/policies/", "/accounts/login/", "/progress/", "/notices/"):
        page = Client().get(url).content.decode()
        assert 'action="/accounts/large-print/"' in page, url
        assert 'href="/static/css/large-print.css"' in page, url


def test_it_is_remembered_after_signing_in(make_resident) -> None:
    user, _person = make_resident()
    client = Client()
    client.post(SWITCH, {"large_print": "on", "next": "/accounts/login/"})
    response = client.post("/accounts/login/", {"username": user.username, "password": RESIDENT_PASSWORD})
    assert response.status_code == 302
    assert _large(client.get("/apply/services/").content.decode())


def test_the_cookie_alone_brings_it_back_in_a_new_session() -> None:
    client = Client()
    client.cookies["large_print"] = "1"
    assert _large(client.get("/").content.decode())


def test_the_switch_sends_nobody_to_another_site() -> None:
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = Client().post(SWITCH, {"large_print": "on", "next": target})
        assert response["Location"] == "/", target


def test_another_site_cannot_flip_it_and_a_get_changes_nothing() -> None:
    attacker = Client(enforce_csrf_checks=True)
    assert attacker.post(SWITCH, {"large_print": "on", "next": "/"}).status_code == 403
    assert Client().get(SWITCH).status_code == 405
