"""The stable-job refund (clause （一）) walked end to end on a laptop, clicking only what people click.

The clerk applies through the wizard; the caseworker returns it asking for the December payment slip (缴费凭证); the
clerk uploads the slip on the documents step (the only step of a refund that takes a file) and resubmits; the
caseworker opens the slip and approves. The amount (¥1,200,000.00) is above the measure's ceiling, so a prefecture
officer confirms it (four eyes, clause （十四）), publishes the approved list for public notice (公示), and finalises it
after the period; the clerk then downloads the approval notice from the case's timeline and reads the enterprise, the
amount in figures and in words (大写) and every line of the calculation. axe-checked on every page the clerk passes.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from portal.models import EnterpriseMembership
from portal.roles import Role
from subsidies.models import Case, CaseState, Evidence
from tests.e2e.conftest import LAPTOP, pdf_text
from tests.e2e.enterprise_steps import publish_and_finalise, sign_in_clerk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SLIP = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_refund_is_returned_for_the_slip_confirmed_by_a_second_officer_published_and_its_notice_downloaded(  # type: ignore[no-untyped-def]
    browser, live_server, make_user, make_enterprise, settings, tmp_path, axe_clean, sign_in_staff
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    officer = make_user(Role.PREFECTURE_OFFICER, username="zhao.min")
    # 2,400,000.00 of premiums: half is 1,200,000.00, above the refund's ceiling of 1,000,000.00 (four eyes).
    ent = make_enterprise(officer, premiums="2400000.00")
    clerk = make_user(Role.ENTERPRISE_APPLICANT, username="zhou.min")
    EnterpriseMembership.objects.create(user=clerk, enterprise=ent, email_confirmed_at=timezone.now())
    caseworker = make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.na")

    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP)
    page = ctx.new_page()
    page.goto("/accounts/login/")
    axe_clean(page)
    sign_in_clerk(page, clerk.username)
    page.goto("/apply/")
    axe_clean(page)
    page.locator("main a[href='/apply/stable-job-refund/']").click()
    axe_clean(page)
    page.get_by_label("2019").check()
    page.get_by_role("button", name="现在开始").click()
    axe_clean(page)  # track
    page.get_by_role("button", name="保存并继续").click()
    axe_clean(page)  # figures, as the registry reports them
    assert page.input_value("#id_ui_premiums_paid_last_year") == "2400000.00"
    page.get_by_role("button", name="保存并继续").click()
    axe_clean(page)  # bank
    page.fill("#id_bank_name", "中国工商银行塔城分行")
    page.fill("#id_bank_account", "6222021234567890123")
    page.get_by_role("button", name="保存并继续").click()
    axe_clean(page)  # declaration
    page.check("#id_declaration")
    page.get_by_role("button", name="保存并继续").click()
    axe_clean(page)  # check your answers
    assert "¥1,200,000.00" in page.locator("main").inner_text()
    page.get_by_role("button", name="提交申请").click()
    axe_clean(page)  # confirmation
    case = Case.objects.get(enterprise=ent)
    assert case.state == CaseState.SUBMITTED
    assert case.reference in page.locator("main").inner_text()

    # The caseworker of 塔城市 asks for the December payment slip.
    staff = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    staff.goto("/accounts/login/")
    sign_in_staff(staff, caseworker.username)
    staff.goto(f"/workbench/cases/{case.pk}/")
    assert "无：企业未上传任何材料。" in staff.content()
    staff.locator("form[action$='/claim/'] button").click()
    staff.fill("#id_return-reason", "请上传12月缴费凭证。")
    staff.locator("form[action$='/return/'] button[type=submit]").click()
    case.refresh_from_db()
    assert case.state == CaseState.RETURNED

    # The clerk uploads it on the documents step and resubmits from the check page.
    page.goto("/apply/")
    axe_clean(page)
    page.get_by_role("link", name="补正并重新提交").first.click()
    axe_clean(page)
    assert "请上传12月缴费凭证。" in page.content()
    page.get_by_role("link", name="修改 已上传的材料").click()
    axe_clean(page)
    page.set_input_files(
        "#id_file", files=[{"name": "12月缴费凭证.pdf", "mimeType": "application/pdf", "buffer": SLIP}]
    )
    page.get_by_role("button", name="保存并继续").click()
    axe_clean(page)
    assert "/check/" in page.url and "12月缴费凭证.pdf" in page.content()
    page.get_by_role("button", name="重新提交申请").click()
    axe_clean(page)
    case.refresh_from_db()
    assert case.state == CaseState.RESUBMITTED
    slip = Evidence.objects.get(case=case)

    # The caseworker opens the slip and approves at the calculated amount; it waits for a second officer.
    staff.goto(f"/workbench/cases/{case.pk}/")
    with staff.expect_download() as download:
        staff.get_by_role("link", name="12月缴费凭证.pdf").click()
    assert open(download.value.path(), "rb").read() == SLIP  # noqa: SIM115 - a download's temporary file
    staff.locator("form[action$='/claim/'] button").click()
    staff.locator("form[action$='/approve/'] button[type=submit]").click()
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED and slip.case_id == case.pk
    assert str(case.approved_amount) == "1200000.00" and case.amount_awaits_confirmation

    # A prefecture officer confirms the amount, publishes the approved list, and finalises it after the period.
    desk = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    desk.goto("/accounts/login/")
    sign_in_staff(desk, officer.username)
    desk.goto(f"/workbench/cases/{case.pk}/")
    desk.locator("form[action$='/confirm-amount/'] textarea").fill("已核对缴费凭证与社保记录，金额无误。")
    desk.locator("form[action$='/confirm-amount/'] button[type=submit]").click()
    case.refresh_from_db()
    assert not case.amount_awaits_confirmation
    publish_and_finalise(desk, case, title="2019年稳岗返还拟发放名单公示")

    # The clerk downloads the approval notice from the case's timeline and reads it.
    page.goto("/apply/")
    axe_clean(page)
    page.locator(f"main a[href='/apply/cases/{case.pk}/']").click()
    axe_clean(page)
    assert "¥1,200,000.00" in page.get_by_test_id("amount").inner_text()
    text = pdf_text(page, page.locator("#timeline ~ ol a[href^='/apply/notices/']").first)
    assert ent.name in text and ent.credit_code in text
    assert "¥1,200,000.00" in text and "壹佰贰拾万元整" in text
    # Every line of the calculation: the months paid, the premium base and the ratio as well as the refund.
    rows = {
        "足额缴纳失业保险费的月数": r"12",
        "企业及职工上年度实际缴纳的失业保险费": r"(¥)?2,?400,?000\.00",
        "返还比例": r"0\.50",
        "返还金额": r"(¥)?1,?200,?000\.00",
    }
    flat = text.replace("\n", "")
    for label, value in rows.items():
        assert re.search(re.escape(label) + r"\s*" + value, flat), label
    for p in (page, staff, desk):
        p.context.close()
