"""Hardship recognition (clause （一）) walked end to end on a laptop, clicking only what people click.

The prefecture has opened this year's window. The clerk answers the wizard's pages and uploads the 证明材料 on its
documents step (the one step that takes a file); the caseworker opens the document, records a finding on every factor
and approves once a prefecture officer has recorded the finance bureau's confirmation; the officer publishes the list
of recognised enterprises for public notice (公示) and finalises it after the period; the clerk downloads the approval
notice from the case's timeline and reads it. axe-checked on every page the clerk passes.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from portal.models import EnterpriseMembership
from portal.roles import Role
from subsidies.models import Case, CaseKind, CaseState
from subsidies.services import parameter_add
from tests.e2e.conftest import LAPTOP, pdf_text, png_bytes
from tests.e2e.enterprise_steps import publish_and_finalise, sign_in_clerk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FACTORS = ("industry", "environment", "fund_capacity", "operations", "job_keeping", "credit")


def test_an_enterprise_uploads_its_evidence_is_recognised_published_and_downloads_the_notice(  # type: ignore[no-untyped-def]
    browser, live_server, make_user, make_enterprise, settings, tmp_path, axe_clean, sign_in_staff
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    officer = make_user(Role.PREFECTURE_OFFICER, username="zhao.min")
    year = timezone.localdate().year
    # The plan's window was 2019; the prefecture opens one for this year (a dated parameter, as officers add it).
    parameter_add(
        key="hardship.window",
        value={"from": f"{year}-01-01", "to": f"{year}-12-31"},
        valid_from=date(year, 1, 1),
        source="塔行发〔2019〕16号（一）",
        actor=officer,
    )
    ent = make_enterprise(officer)
    clerk = make_user(Role.ENTERPRISE_APPLICANT, username="zhou.min")
    EnterpriseMembership.objects.create(user=clerk, enterprise=ent, email_confirmed_at=timezone.now())
    make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.na")

    page = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    sign_in_clerk(page, clerk.username)
    page.goto("/apply/")
    page.locator("main a[href='/apply/hardship-recognition/']").click()
    axe_clean(page)
    page.get_by_role("button", name="现在开始").click()
    axe_clean(page)  # situation
    page.fill("#id_situation", "2026年以来订单下降三成，产品价格下跌。")
    page.fill("#id_recovery", "新签订的两份长期合同明年起供货，预计明年恢复。")
    page.get_by_role("button", name="保存并继续").click()
    axe_clean(page)  # measures
    page.fill("#id_measures", "不裁员，轮岗轮休，以培训代替裁员。")
    page.fill("#id_layoffs_planned", "0")
    page.get_by_role("button", name="保存并继续").click()
    axe_clean(page)  # agreement
    page.check("input[name=agreement][value=union]")
    page.fill("#id_agreement_details", "2026年3月职工代表大会通过。")
    page.get_by_role("button", name="保存并继续").click()
    axe_clean(page)  # documents: 证明材料
    page.set_input_files("#id_file", files=[{"name": "职代会决议.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.fill("#id_documents", "职工代表大会决议（扫描件）")
    page.get_by_role("button", name="保存并继续").click()
    axe_clean(page)  # declaration
    page.check("#id_declaration")
    page.get_by_role("button", name="保存并继续").click()
    axe_clean(page)  # check your answers
    assert "职代会决议.png" in page.locator("main").inner_text()
    page.get_by_role("button", name="提交申请").click()
    axe_clean(page)  # confirmation
    case = Case.objects.get(kind=CaseKind.HARDSHIP_RECOGNITION)
    assert case.state == CaseState.SUBMITTED and case.evidence.get().original_name == "职代会决议.png"

    # The caseworker opens the document, takes the case and records a finding on every factor.
    worker = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    worker.goto("/accounts/login/")
    sign_in_staff(worker, "li.na")
    worker.goto(f"/workbench/cases/{case.pk}/")
    with worker.expect_response(lambda response: "/evidence/" in response.url) as opened:
        worker.get_by_role("link", name="职代会决议.png").click()  # an image opens in the browser
    assert opened.value.body() == png_bytes()
    worker.go_back()
    worker.locator("form[action$='/claim/'] button").click()
    worker.get_by_role("link", name="记录各项因素评估").click()
    for key in FACTORS:
        worker.check(f"input[name={key}_finding][value=supports]")
        worker.fill(f"textarea[name={key}_note]", "经核实")
    worker.get_by_role("button", name="记录评估").click()
    case.refresh_from_db()
    assert set(case.answers["assessment"]["factors"]) == set(FACTORS), worker.locator("main").inner_text()

    # The officer records the finance bureau's confirmation; the caseworker approves.
    desk = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    desk.goto("/accounts/login/")
    sign_in_staff(desk, officer.username)
    desk.goto(f"/workbench/cases/{case.pk}/")
    desk.get_by_role("link", name="记录财政局确认").click()
    desk.fill("#id_document", f"塔地财函〔{year}〕3号")
    desk.fill("#id_confirmed_on", timezone.localdate().isoformat())
    desk.fill("#id_confirmed_by", "李明")
    desk.get_by_role("button", name="记录确认").click()
    worker.goto(f"/workbench/cases/{case.pk}/")
    worker.locator("form[action$='/approve/'] button[type=submit]").click()
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED

    # The officer publishes the list of recognised enterprises and finalises it after the period.
    publish_and_finalise(desk, case, title=f"{year}年困难企业名单公示", kind="hardship_recognitions")

    # The clerk downloads the approval notice from the case's timeline.
    page.goto("/apply/")
    axe_clean(page)
    page.locator(f"main a[href='/apply/cases/{case.pk}/']").click()
    axe_clean(page)
    text = pdf_text(page, page.locator("#timeline ~ ol a[href^='/apply/notices/']").first)
    assert ent.name in text and ent.credit_code in text and case.reference in text
    for p in (page, worker, desk):
        p.context.close()
