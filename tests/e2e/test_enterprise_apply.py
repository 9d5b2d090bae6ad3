"""An enterprise signs up, confirms its email, applies with prefilled figures, sees the amount and its reference.

Headless Chromium against the live server at a laptop's viewport; the confirmation link is read from
django.core.mail.outbox (the locmem backend, in the live server's process). The applicant's pages are checked with axe
(no serious or critical violations).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from portal.models import EnterpriseMembership
from portal.services_accounts import membership_approve
from subsidies.models import Case, CaseState
from tests.e2e.conftest import LAPTOP

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Tacheng-Refund-2019"


def submit(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("main form button[type=submit]").first.click()


def test_an_enterprise_signs_up_applies_with_prefilled_figures_and_submits(
    browser, live_server, officer, caseworker, make_enterprise, axe_clean
) -> None:  # type: ignore[no-untyped-def]
    make_enterprise(officer)  # imported from the social-insurance system, with its 2018 figures
    page = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()

    page.goto("/accounts/login/")
    page.locator("main a[href='/accounts/signup/enterprise/']").click()
    axe_clean(page)
    page.fill("#id_credit_code", "91654201312345673A")  # one character mistyped
    page.fill("#id_enterprise_name", "塔城测试企业有限公司")
    page.fill("#id_contact_name", "王芳")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_email", "wang.fang@example.com")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    submit(page)
    assert "信用代码的校验码" in page.locator("#id_credit_code_error").inner_text()
    axe_clean(page)
    page.fill("#id_credit_code", "91654201312345673Q")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    submit(page)
    assert page.url.endswith("/accounts/signup/enterprise/sent/")
    axe_clean(page)

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    submit(page)
    assert page.url.endswith("/accounts/login/")  # confirmed; now sign in
    page.get_by_label("手机号、身份证号或用户名").fill("wang.fang@example.com")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    assert page.url.endswith("/apply/")
    # The enterprise is already in the registry: its file opens only once the county's office approves.
    assert page.locator("[data-testid=membership-waiting]").is_visible()
    axe_clean(page)
    membership_approve(membership=EnterpriseMembership.objects.get(), actor=caseworker)
    page.reload()
    assert page.locator("[data-testid=membership-waiting]").count() == 0

    page.goto("/apply/stable-job-refund/")
    axe_clean(page)
    page.check("input[name=year][value='2019']")
    submit(page)
    page.check("input[name=track][value='standard']")
    axe_clean(page)
    submit(page)
    assert page.input_value("#id_ui_premiums_paid_last_year") == "48000.00"
    assert page.locator("[data-testid=figures-source]").is_visible()
    axe_clean(page)
    submit(page)
    page.fill("#id_bank_name", "中国工商银行塔城分行")
    page.fill("#id_bank_account", "6222021234567890123")
    submit(page)
    page.check("#id_declaration")
    axe_clean(page)
    submit(page)

    assert "¥24,000.00" in page.locator("[data-testid=amount]").inner_text()
    assert "塔行发〔2019〕16号（一）" in page.locator("#calculation").inner_text()
    axe_clean(page)
    submit(page)

    assert page.locator("[data-testid=reference]").inner_text() == "WG-654201-2019-000001"
    axe_clean(page)
    case = Case.objects.get()
    assert case.state == CaseState.SUBMITTED
    assert case.answers["figures_source"] == "registry"

    page.goto("/apply/")
    assert "WG-654201-2019-000001" in page.locator("main").inner_text()
    page.goto(f"/apply/cases/{case.pk}/")
    axe_clean(page)
    page.context.close()
