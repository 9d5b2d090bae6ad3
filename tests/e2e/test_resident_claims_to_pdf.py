"""Each claim a resident can make, walked on a phone from "我的补贴申请" to the decision's PDF: the
training subsidy with the living allowance （七） and the skill-upgrade subsidy （八）, each with the
certificate uploaded on its form, and the start-up loan certification （三） (its form takes no file).
A caseworker of the county claims and approves each case in the workbench; the resident opens the claim
from their list, sees the approval on its timeline, downloads the approval notice from there and reads
their name, masked ID number and the approved amount in it.

Clicks only what a person clicks, at a 390×844 phone viewport, axe-checked on every page the resident passes.
"""

from __future__ import annotations

from typing import Any

import pytest

from portal.roles import Role
from subsidies.models import Case, CaseKind, CaseState
from tests.conftest import RESIDENT_PASSWORD
from tests.e2e.conftest import PHONE, pdf_text, png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def resident_signs_in(browser: Any, live_server: Any, user: Any, axe_clean: Any) -> Any:
    """A resident on a phone opens "my claims" and signs in on the page it sends them to."""
    page = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE).new_page()
    page.goto("/apply/claims/")
    axe_clean(page)
    page.get_by_label("手机号、身份证号或用户名").fill(user.username)
    page.get_by_label("密码").fill(RESIDENT_PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    assert page.url.endswith("/apply/claims/")
    axe_clean(page)
    return page


def caseworker_at_desk(browser: Any, live_server: Any, sign_in_staff: Any, username: str) -> Any:
    """A caseworker signs in at a desk-sized browser (once: a TOTP code is good for one sign-in)."""
    staff = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    staff.goto("/workbench/cases/")
    sign_in_staff(staff, username)
    return staff


def caseworker_approves(staff: Any, *cases: Case) -> None:
    """The caseworker opens each case, sees the uploaded certificates, takes the case and approves it."""
    for case in cases:
        staff.goto(f"/workbench/cases/{case.pk}/")
        for upload in case.evidence.all():
            assert staff.get_by_role("link", name=upload.original_name).is_visible()
        take = staff.get_by_role("button", name="领取该案件")
        if take.count():  # a corrected case comes back to the caseworker who returned it
            take.click()
        staff.locator(f"form[action='/workbench/cases/{case.pk}/approve/'] button[type=submit]").click()
        case.refresh_from_db()
        assert case.state == CaseState.FINAL, case.state
    staff.context.close()


def notice_text_from_my_claims(page: Any, case: Case, axe_clean: Any) -> str:
    """From "my claims", the resident opens the claim, finds the approval on its timeline and downloads the notice."""
    page.get_by_role("link", name="我的补贴申请", exact=True).click()
    axe_clean(page)
    page.get_by_role("link", name=case.reference).click()
    axe_clean(page)
    approval = page.locator("[data-testid=timeline-step][data-action=case_approve]")
    assert approval.is_visible()
    return pdf_text(page, page.locator("ol.timeline").get_by_role("link", name="下载审批通知书（PDF）"))


def submit_claim(page: Any) -> None:
    page.get_by_role("button", name="提交申请").click()


def test_a_resident_claims_training_and_living_allowance_with_the_certificate_and_downloads_both_notices(  # type: ignore[no-untyped-def]
    browser, live_server, make_resident, make_user, settings, tmp_path, axe_clean, sign_in_staff
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    user, person = make_resident(name="王建国")
    make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.qiang")

    page = resident_signs_in(browser, live_server, user, axe_clean)
    page.locator("a[href='/apply/claims/training/']").click()
    axe_clean(page)
    page.locator("#id_institution").fill("塔城市职业技能培训中心")
    page.locator("#id_course").fill("电工")
    page.locator("#id_training_type_0").check()
    page.locator("#id_training_start").fill("2020-05-01")
    page.locator("#id_training_end").fill("2020-05-20")
    page.locator("#id_hours").fill("120")
    page.locator("#id_cost").fill("1600")
    page.locator("#id_result_0").check()
    page.locator("#id_certificate_number").fill("PX-2020-000123")
    page.locator("#id_certificate_file").set_input_files(
        files=[{"name": "结业证书.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.locator("#id_living_allowance").check()
    page.locator("#id_bank_name").fill("中国农业银行塔城分行")
    page.locator("#id_bank_account").fill("6228480012345678901")
    submit_claim(page)
    subsidy = Case.objects.get(kind=CaseKind.TRAINING_SUBSIDY, person=person)
    allowance = Case.objects.get(kind=CaseKind.LIVING_ALLOWANCE, person=person)
    assert page.get_by_test_id("reference").inner_text() == subsidy.reference
    assert "结业证书.png" in page.get_by_test_id("evidence").inner_text()
    axe_clean(page)

    caseworker_approves(caseworker_at_desk(browser, live_server, sign_in_staff, "li.qiang"), subsidy, allowance)

    for case in (subsidy, allowance):
        text = notice_text_from_my_claims(page, case, axe_clean)
        assert "王建国" in text and person.id_number_masked in text and case.reference in text
        assert f"{case.approved_amount:,.2f}" in text
    page.context.close()


def test_a_resident_claims_the_skill_upgrade_subsidy_corrects_it_with_a_new_upload_and_downloads_the_notice(  # type: ignore[no-untyped-def]
    browser, live_server, make_resident, make_user, settings, tmp_path, axe_clean, sign_in_staff
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    user, person = make_resident("654202199807080021", name="李娜", county_code="654202", insured_months=40)
    make_user(Role.COUNTY_CASEWORKER, county_code="654202", username="zhang.wei")

    page = resident_signs_in(browser, live_server, user, axe_clean)
    page.locator("a[href='/apply/claims/skill-upgrade/']").click()
    axe_clean(page)
    page.locator("#id_occupation").fill("中式烹调师")
    page.locator("input[name=certificate_level][value=intermediate]").check()
    page.locator("#id_certificate_number").fill("ZG-2026-004567")
    page.locator("#id_certificate_date").fill("2026-10-15")
    page.locator("#id_certificate_file").set_input_files(
        files=[{"name": "职业资格证书.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.locator("#id_bank_name").fill("中国工商银行乌苏支行")
    page.locator("#id_bank_account").fill("6222020012345678901")
    submit_claim(page)
    case = Case.objects.get(kind=CaseKind.SKILL_UPGRADE, person=person)
    assert page.get_by_test_id("reference").inner_text() == case.reference
    assert "职业资格证书.png" in page.get_by_test_id("evidence").inner_text()
    axe_clean(page)

    # The caseworker returns it: the photo cannot be read. The resident uploads a better one with the correction.
    staff = caseworker_at_desk(browser, live_server, sign_in_staff, "zhang.wei")
    staff.goto(f"/workbench/cases/{case.pk}/")
    staff.get_by_role("button", name="领取该案件").click()
    staff.locator(f"form[action='/workbench/cases/{case.pk}/return/'] textarea").fill("证书照片看不清，请重新拍照上传")
    staff.get_by_role("button", name="退回补正").click()
    case.refresh_from_db()
    assert case.state == CaseState.RETURNED
    page.reload()
    assert page.get_by_test_id("decision-reason").inner_text() == "证书照片看不清，请重新拍照上传"
    axe_clean(page)
    page.get_by_role("link", name="补正并重新提交").click()
    axe_clean(page)
    page.locator("#id_certificate_file").set_input_files(
        files=[{"name": "职业资格证书-清晰.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="重新提交申请").click()
    assert "职业资格证书-清晰.png" in page.get_by_test_id("evidence").inner_text()
    axe_clean(page)
    case.refresh_from_db()
    assert case.state != CaseState.RETURNED

    caseworker_approves(staff, case)

    text = notice_text_from_my_claims(page, case, axe_clean)
    assert "李娜" in text and person.id_number_masked in text and case.reference in text
    assert f"{case.approved_amount:,.2f}" in text
    page.context.close()


def test_a_resident_is_certified_for_a_startup_loan_and_downloads_the_notice(  # type: ignore[no-untyped-def]
    browser, live_server, make_resident, make_user, settings, tmp_path, axe_clean, sign_in_staff
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    user, person = make_resident("65422419880808006X", name="古丽", county_code="654224")
    make_user(Role.COUNTY_CASEWORKER, county_code="654224", username="wang.fang")

    page = resident_signs_in(browser, live_server, user, axe_clean)
    page.locator("a[href='/apply/claims/startup-loan/']").click()
    axe_clean(page)
    page.locator("input[name=category]").first.check()
    page.locator("#id_business_name").fill("托里县古丽手工馕坊")
    page.locator("#id_business_activity").fill("制作和销售手工馕")
    page.locator("#id_requested_amount").fill("100000")
    submit_claim(page)
    case = Case.objects.get(kind=CaseKind.STARTUP_LOAN, person=person)
    assert page.get_by_test_id("reference").inner_text() == case.reference
    axe_clean(page)

    caseworker_approves(caseworker_at_desk(browser, live_server, sign_in_staff, "wang.fang"), case)

    text = notice_text_from_my_claims(page, case, axe_clean)
    assert "古丽" in text and person.id_number_masked in text and case.reference in text
    page.context.close()
