"""A resident whose 户口 is in 塔城市 registers unemployment in 乌苏市 on a phone by uploading a residence
document (clause （九）): every "保存并继续" after the upload works, "删除" removes the file and only the file, a
乌苏市 caseworker registers it, and the resident downloads the certificate the page offers and reads their name in it.

Clicks only what a person clicks, at a 390×844 phone viewport, axe-checked on every page.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal.roles import Role
from registry.models import County, UnemploymentRegistration
from subsidies.models import Case, CaseState, Evidence
from tests.conftest import RESIDENT_PASSWORD
from tests.e2e.conftest import PHONE, pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def save_and_continue(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="保存并继续").click()


def test_a_resident_uploads_where_they_live_is_registered_and_downloads_the_certificate(  # type: ignore[no-untyped-def]
    browser, live_server, make_resident, make_user, settings, tmp_path, axe_clean, sign_in_staff
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    user, person = make_resident("654201198503150018", name="古丽娜尔·艾力", registered_on=None)
    assert person.hukou_area_code.startswith("654201")
    wusu = County.objects.get(code="654202")
    caseworker = make_user(Role.COUNTY_CASEWORKER, county_code="654202", username="zhang.wei")

    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = ctx.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(RESIDENT_PASSWORD)
    page.locator("main form button[type=submit]").last.click()

    page.goto("/apply/services/")
    page.locator("a[href='/apply/services/unemployment-registration/']").first.click()
    page.locator("main form button[type=submit]").first.click()  # start
    axe_clean(page)
    page.select_option("#id_residence_county", str(wusu.pk))
    page.fill("#id_address", "乌苏市虹桥街道 12 号")
    page.set_input_files(
        "#id_residence_document", files=[{"name": "租房合同.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    save_and_continue(page)
    case = Case.objects.get(person=person)
    assert case.evidence.count() == 1

    # Back to the residence page: the file is listed; 删除 removes it and does not save the step instead.
    page.goto(f"/apply/services/unemployment-registration/{case.pk}/residence/")
    axe_clean(page)
    page.get_by_role("button", name="删除").click()
    assert not Evidence.objects.filter(case=case).exists()
    assert page.url.endswith(f"/apply/services/unemployment-registration/{case.pk}/residence/")  # still here
    page.set_input_files(
        "#id_residence_document", files=[{"name": "居住证明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    save_and_continue(page)
    assert "/able-to-work/" in page.url  # the next page: "保存并继续" moves on
    axe_clean(page)
    page.check("#id_able_and_willing")
    save_and_continue(page)
    page.check("input[name=work_end_reason][value=contract_ended]")
    page.fill("#id_work_ended_on", "2026-10-31")
    save_and_continue(page)
    page.fill("#id_occupation", "仓库管理员")
    save_and_continue(page)
    assert "/check/" in page.url
    axe_clean(page)
    assert "居住证明.pdf" in page.content()
    page.get_by_role("button", name="提交申请").click()
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED

    staff_ctx = browser.new_context(base_url=live_server.url, locale="zh-CN")
    staff = staff_ctx.new_page()
    staff.goto("/accounts/login/")
    sign_in_staff(staff, caseworker.username)
    staff.goto(f"/workbench/cases/{case.pk}/")
    assert "居住证明.pdf" in staff.content()
    staff.locator("form[action$='/claim/'] button").click()
    staff.locator("form[action$='/approve/'] button[type=submit]").click()
    staff_ctx.close()
    registration = UnemploymentRegistration.objects.get(person=person)
    assert registration.residence_county == wusu and registration.registered_on == timezone.localdate()

    page.goto("/apply/services/")
    axe_clean(page)
    text = pdf_text(page, page.get_by_role("link", name="下载失业登记证明（PDF）").first)
    assert "古丽娜尔" in text and registration.person.id_number_masked in text
    ctx.close()
