"""The dashboard in Chromium: an officer signs in, sees the charts and the early warning, filters without JavaScript
errors, and axe finds no serious or critical violation."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import Role
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_reads_the_dashboard_with_its_charts_and_warnings(
    page, make_user, build_dashboard_world, make_enterprise_with_headcount, axe_clean
) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(Role.PREFECTURE_OFFICER, username="zhao.min")
    build_dashboard_world(officer)
    laid_off = make_enterprise_with_headcount(officer, "91654201312345681K", "654201", start=80, end=50)
    errors: list[str] = []
    # Resource failures are caught by status below (Chromium's own favicon probe is not the page's).
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status == 404 else None)

    page.goto("/workbench/dashboard/?start=2019-03&end=2019-04")
    device = TOTPDevice.objects.get(user=officer)
    page.get_by_label("手机号、身份证号或用户名").fill("zhao.min")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.get_by_label("身份验证器应用显示的六位验证码").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="继续").click()

    page.wait_for_url("**/workbench/dashboard/**")
    assert page.locator("svg.dashboard-chart").count() == 3
    assert page.locator("svg.dashboard-chart rect").count() > 3
    assert page.locator("#total-received").inner_text() == "5"
    assert laid_off.name in page.locator("#table-warnings").inner_text()
    axe_clean(page)

    # Filter by policy with the GET form (no JavaScript needed), then follow the warning to the real-name file.
    page.locator("#id_kind").select_option("training_subsidy")
    page.locator("main form[method=get] button[type=submit]").click()
    assert page.locator("#total-received").inner_text() == "1"
    page.get_by_role("link", name=laid_off.name).click()
    page.wait_for_url(f"**/workbench/registry/enterprises/{laid_off.pk}/")
    assert errors == []
