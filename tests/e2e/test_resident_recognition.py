"""A registered unemployed resident asks on a phone to be recognised as employment-difficult (clause （九）): on the
evidence page they upload a certificate, see it listed, remove one with "删除" and keep the other; a caseworker of the
county claims the case and recognises the category in the workbench; the resident sees the decision on their
timeline, downloads the approval notice from it and reads their name, masked ID number and the decision in it.

Clicks only what a person clicks, at a 390×844 phone viewport, axe-checked on every page the resident passes.
"""

from __future__ import annotations

from datetime import date

import pytest

from portal.roles import Role
from registry.models import DifficultyCategory
from subsidies.models import Case, CaseKind, CaseState, Evidence
from tests.conftest import RESIDENT_PASSWORD
from tests.e2e.conftest import PHONE, pdf_text, png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_resident_uploads_evidence_is_recognised_and_downloads_the_notice(  # type: ignore[no-untyped-def]
    browser, live_server, make_resident, make_user, settings, tmp_path, axe_clean, sign_in_staff
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    user, person = make_resident(
        "654221199211220037",
        name="阿依古丽·买买提",
        county_code="654221",
        registered_on=date(2026, 9, 1),
        recognised=False,
    )
    make_user(Role.COUNTY_CASEWORKER, county_code="654221", username="ma.lin")

    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = ctx.new_page()
    page.goto("/apply/services/")
    axe_clean(page)
    page.get_by_label("手机号、身份证号或用户名").fill(user.username)
    page.get_by_label("密码").fill(RESIDENT_PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    assert page.url.endswith("/apply/services/")
    axe_clean(page)

    page.get_by_role("link", name="申请就业困难人员认定").click()
    axe_clean(page)
    page.get_by_role("button", name="现在开始").click()
    # What applies: a partly disabled person; the registry cannot prove it, so evidence is asked for next.
    axe_clean(page)
    page.get_by_label(str(DifficultyCategory.DISABLED_UNEMPLOYED.label)).check()
    page.get_by_role("button", name="保存并继续").click()
    assert "/evidence/" in page.url
    axe_clean(page)
    upload = page.get_by_label(str(DifficultyCategory.DISABLED_UNEMPLOYED.label))
    upload.set_input_files(files=[{"name": "残疾人证.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.get_by_role("button", name="保存并继续").click()
    case = Case.objects.get(person=person, kind=CaseKind.DIFFICULTY_RECOGNITION)
    assert "/declaration/" in page.url

    # Back to the evidence page: a second file, both listed; "删除" removes the one asked and nothing else.
    page.get_by_role("link", name="返回").click()
    assert "/evidence/" in page.url
    axe_clean(page)
    upload.set_input_files(files=[{"name": "诊断证明.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.get_by_role("button", name="保存并继续").click()
    page.get_by_role("link", name="返回").click()
    listed = page.get_by_test_id("evidence")
    assert "残疾人证.png" in listed.inner_text() and "诊断证明.png" in listed.inner_text()
    axe_clean(page)
    page.get_by_role("button", name="删除 诊断证明.png").click()
    assert list(Evidence.objects.filter(case=case).values_list("original_name", flat=True)) == ["残疾人证.png"]
    assert "诊断证明.png" not in page.get_by_test_id("evidence").inner_text()
    axe_clean(page)
    page.get_by_role("button", name="保存并继续").click()

    assert "/declaration/" in page.url
    axe_clean(page)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="保存并继续").click()
    assert "/check/" in page.url
    axe_clean(page)
    assert "残疾人证.png" in page.content()
    page.get_by_role("button", name="提交申请").click()
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert page.get_by_test_id("reference").inner_text() == case.reference
    axe_clean(page)

    # A caseworker of 额敏县 opens the upload, claims the case and recognises the category.
    staff_ctx = browser.new_context(base_url=live_server.url, locale="zh-CN")
    staff = staff_ctx.new_page()
    staff.goto(f"/workbench/cases/{case.pk}/")
    sign_in_staff(staff, "ma.lin")
    staff.goto(f"/workbench/cases/{case.pk}/")
    evidence = staff.request.get(staff.get_by_role("link", name="残疾人证.png").get_attribute("href"))
    assert evidence.status == 200 and evidence.body() == png_bytes()
    staff.get_by_role("button", name="领取该案件").click()
    staff.get_by_label(str(DifficultyCategory.DISABLED_UNEMPLOYED.label)).check()
    staff.get_by_role("button", name="认定所选类别").click()
    case.refresh_from_db()
    assert case.state == CaseState.FINAL
    staff_ctx.close()

    # The resident sees the decision on the timeline of the case and downloads the notice from it.
    page.goto("/apply/services/")
    axe_clean(page)
    assert page.get_by_test_id("recognition-state").inner_text() == "已认定"
    row = page.get_by_test_id("case-row").filter(has_text=case.reference)
    row.get_by_role("link").first.click()  # the application, by its name
    axe_clean(page)
    timeline = page.locator("[data-testid=timeline-step][data-action=case_approve]")
    assert timeline.is_visible()
    text = pdf_text(page, page.locator("ol.timeline").get_by_role("link", name="下载审批通知书（PDF）"))
    assert person.id_number_masked in text
    assert "阿依古丽" in text and case.reference in text
    assert "就业困难人员认定" in text and "予以批准" in text  # what was decided
    ctx.close()
