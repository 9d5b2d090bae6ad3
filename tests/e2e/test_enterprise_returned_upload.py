"""An enterprise clerk applies for the stable-job refund on a laptop; the caseworker returns it asking for the December
payment slip (缴费凭证); the clerk uploads the slip from the check page and resubmits; the caseworker opens the slip
on the review page and approves. Only clicks a person makes; axe-checked on the clerk's pages.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal.models import EnterpriseMembership
from portal.roles import Role
from subsidies.models import Case, CaseState, Evidence
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SLIP = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_returned_refund_gets_the_payment_slip_the_caseworker_asked_for(  # type: ignore[no-untyped-def]
    browser, live_server, make_user, make_enterprise, officer, settings, tmp_path, axe_clean, sign_in_staff
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    ent = make_enterprise(officer)
    clerk = make_user(Role.ENTERPRISE_APPLICANT, username="zhou.min")
    EnterpriseMembership.objects.create(user=clerk, enterprise=ent, email_confirmed_at=timezone.now())
    caseworker = make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.na")

    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(clerk.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.goto("/apply/stable-job-refund/")
    page.get_by_label("2019").check()
    page.get_by_role("button", name="现在开始").click()
    page.get_by_role("button", name="保存并继续").click()  # track: standard
    page.get_by_role("button", name="保存并继续").click()  # figures as the registry reports them
    page.fill("#id_bank_name", "中国工商银行塔城分行")
    page.fill("#id_bank_account", "6222021234567890123")
    page.get_by_role("button", name="保存并继续").click()
    page.check("#id_declaration")
    page.get_by_role("button", name="保存并继续").click()
    axe_clean(page)
    page.get_by_role("button", name="提交申请").click()
    case = Case.objects.get(enterprise=ent)
    assert case.state == CaseState.SUBMITTED

    staff_ctx = browser.new_context(base_url=live_server.url, locale="zh-CN")
    staff = staff_ctx.new_page()
    staff.goto("/accounts/login/")
    sign_in_staff(staff, caseworker.username)
    staff.goto(f"/workbench/cases/{case.pk}/")
    assert "无：企业未上传任何材料。" in staff.content()
    staff.locator("form[action$='/claim/'] button").click()
    staff.fill("#id_return-reason", "请上传12月缴费凭证。")
    staff.locator("form[action$='/return/'] button[type=submit]").click()
    case.refresh_from_db()
    assert case.state == CaseState.RETURNED

    page.goto("/apply/")
    page.get_by_role("link", name="补正并重新提交").first.click()
    axe_clean(page)
    assert "请上传12月缴费凭证。" in page.content()
    page.get_by_role("link", name="修改 已上传的材料").click()
    axe_clean(page)
    page.set_input_files(
        "#id_file", files=[{"name": "12月缴费凭证.pdf", "mimeType": "application/pdf", "buffer": SLIP}]
    )
    page.get_by_role("button", name="保存并继续").click()
    assert "/check/" in page.url and "12月缴费凭证.pdf" in page.content()
    page.get_by_role("button", name="重新提交申请").click()
    case.refresh_from_db()
    assert case.state == CaseState.RESUBMITTED
    slip = Evidence.objects.get(case=case)

    staff.goto(f"/workbench/cases/{case.pk}/")
    with staff.expect_download() as download:
        staff.get_by_role("link", name="12月缴费凭证.pdf").click()
    assert open(download.value.path(), "rb").read() == SLIP  # noqa: SIM115 - a download's temporary file
    staff.locator("form[action$='/claim/'] button").click()
    staff.locator("form[action$='/approve/'] button[type=submit]").click()
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED and slip.case_id == case.pk
    staff_ctx.close()
    ctx.close()
