"""Kazakh (Arabic script) and Uyghur: right-to-left pages, Bootstrap's RTL stylesheet, the switcher on every page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/policies/", "/notices/", "/accounts/login/", "/accounts/signup/resident/"]
RTL = [("kk-arab", "kk-Arab"), ("ug", "ug")]


def switch(client: Client, language: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302


@pytest.mark.parametrize(("language", "lang_attribute"), RTL)
def test_it_writes_the_page_right_to_left_with_bootstraps_rtl_stylesheet(
    client: Client, language: str, lang_attribute: str
) -> None:
    switch(client, language)
    html = client.get("/").content.decode()
    assert f'<html lang="{lang_attribute}" dir="rtl">' in html
    assert "/static/bootstrap/css/bootstrap.rtl.min.css" in html
    assert "/static/bootstrap/css/bootstrap.min.css" not in html
    assert "/static/css/arabic-script.css" in html


def test_it_keeps_chinese_left_to_right_with_the_ordinary_stylesheet(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans" dir="ltr">' in html
    assert "bootstrap.rtl" not in html
    assert "arabic-script.css" not in html


@pytest.mark.parametrize("path", PUBLIC_PAGES)
@pytest.mark.parametrize("language", ["zh-hans", "kk-arab", "ug"])
def test_every_public_page_offers_the_four_languages_each_in_its_own_script(
    client: Client, path: str, language: str
) -> None:
    switch(client, language)
    html = client.get(path).content.decode()
    for code, name in (("zh-hans", "简体中文"), ("en", "English"), ("kk-arab", "قازاقشا"), ("ug", "ئۇيغۇرچە")):
        assert f'name="language" value="{code}"' in html
        assert f">{name}</button>" in html


def test_a_browser_asking_for_kazakh_gets_the_arabic_script_as_written_in_xinjiang(client: Client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert '<html lang="kk-Arab" dir="rtl">' in html


def test_a_language_the_portal_does_not_offer_falls_back_to_chinese(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "mn", "next": "/"})
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="mn").content.decode()
    assert '<html lang="zh-Hans" dir="ltr">' in html
