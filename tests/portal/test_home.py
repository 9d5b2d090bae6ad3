"""The home page: Chinese by default, English after switching, nothing loaded from another host."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ABSOLUTE_URL = re.compile(r"""(?:href|src|action|srcset|url\()\s*=?\s*["']?\s*((?:https?:)?//[^"'\s)>]+)""", re.I)


def test_it_renders_in_simplified_chinese_by_default(client: Client) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans" dir="ltr">' in html
    assert "塔城地区就业服务" in html
    assert "For enterprises" not in html


def test_it_renders_in_english_after_switching(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "For enterprises" in html
    assert "Tacheng Prefecture employment services" in html


def test_it_shows_service_offices_and_complaints_phone_in_the_footer(client: Client) -> None:
    # Clause （十四）: every policy published with its service offices and a complaints phone.
    html = client.get("/").content.decode()
    assert "塔城地区人力资源和社会保障局" in html
    assert "0901-0000012" in html


def test_it_has_a_skip_link_to_the_main_content(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'href="#main"' in html
    assert 'id="main"' in html


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/does-not-exist/"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_requests_nothing_from_another_host(client: Client, path: str, language: str) -> None:
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    html = client.get(path).content.decode()
    assert "<link" in html  # the page really has assets; they must all be local
    foreign = [u for u in ABSOLUTE_URL.findall(html) if not re.match(r"(?:https?:)?//(testserver|localhost)\b", u)]
    assert foreign == []


def test_its_static_assets_are_served_from_the_portal(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "/static/bootstrap/js/bootstrap.bundle.min.js" in html


def test_it_sends_a_content_security_policy_that_allows_only_this_host(client: Client) -> None:
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy
