"""A caseworker signs in with password and TOTP code in a real browser; the home page passes axe."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import Role
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_signs_in_with_totp_and_reaches_the_workbench(page, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.qiang")
    device = TOTPDevice.objects.get(user__username="li.qiang")

    page.goto("/workbench/")
    assert page.locator("h1").inner_text() == "登录"
    page.get_by_label("手机号、身份证号或用户名").fill("li.qiang")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").last.click()

    assert page.locator("h1").inner_text() == "请输入身份验证器验证码"
    page.get_by_label("身份验证器应用显示的六位验证码").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="继续").click()

    assert page.locator("h1").inner_text() == "工作台"
    assert "塔城市" in page.locator("main").inner_text()


def test_a_wrong_password_is_explained_next_to_the_form(page, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(Role.RESIDENT_APPLICANT, username="resident")
    page.goto("/accounts/login/")
    page.get_by_label("手机号、身份证号或用户名").fill("resident")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").last.click()
    assert page.get_by_role("alert").is_visible()
    assert "请输入一个正确的" in page.get_by_role("alert").inner_text()


def test_the_language_switch_works_without_javascript(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="English").click()
    assert page.locator("h1").inner_text() == "Tacheng Prefecture employment services"
    context.close()


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_the_public_pages_have_no_accessibility_violations(page, path: str) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    page.goto(path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_home_page_fits_a_phone_screen(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto("/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    context.close()
