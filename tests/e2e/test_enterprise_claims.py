"""The enterprises' one-page claims in Chromium on a laptop, each with a supporting document uploaded on its page, a
caseworker's decision, and the enterprise downloading the decision (PDF) from the case's timeline and reading it:
the internship base and an intern's claim (clause （五）), in-job training support (clause （六）) and a referral to the
guarantee company (clause （二）). Every page the enterprise crosses is checked with axe (no serious or critical
violations).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal.models import EnterpriseMembership
from portal.roles import Role
from subsidies.models import Case, CaseKind, CaseState
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import LAPTOP, pdf_text, png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _attach(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Choose a supporting document (a real PNG scan) in the claim page's upload field."""
    page.set_input_files("#id_document", files=[{"name": name, "mimeType": "image/png", "buffer": png_bytes()}])


def _decision_text(page, case: Case, axe_clean) -> str:  # type: ignore[no-untyped-def]
    """From "my applications", open the case and download its decision from the timeline; its text."""
    page.goto("/apply/")
    axe_clean(page)
    page.locator(f"main a[href='/apply/cases/{case.pk}/']").first.click()
    axe_clean(page)
    return pdf_text(page, page.locator("#timeline ~ ol a[href^='/apply/notices/']").first)


def _enterprise_sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("手机号、身份证号或用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").last.click()


def _decide(worker, case: Case, axe_clean) -> None:  # type: ignore[no-untyped-def]
    worker.goto(f"/workbench/cases/{case.pk}/")
    axe_clean(worker)
    worker.locator(f"form[action='/workbench/cases/{case.pk}/claim/'] button").click()
    axe_clean(worker)
    worker.locator(f"form[action='/workbench/cases/{case.pk}/approve/'] button[type=submit]").click()


def test_an_enterprise_registers_a_base_claims_for_an_intern_and_downloads_the_decisions(
    browser, live_server, make_user, make_enterprise, settings, tmp_path, axe_clean, sign_in_staff
) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    officer = make_user(Role.PREFECTURE_OFFICER, username="zhao.min")
    make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.qiang")
    host = make_enterprise(officer)
    user = make_user(Role.ENTERPRISE_APPLICANT, username="wang.fang")
    EnterpriseMembership.objects.create(user=user, enterprise=host, email_confirmed_at=timezone.now())

    # The enterprise registers as an internship base, with its supervisor's appointment attached.
    page = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    page.goto("/apply/enterprise-claims/")
    _enterprise_sign_in(page, "wang.fang")
    axe_clean(page)
    page.locator("a[href='/apply/enterprise-claims/new/internship-base/']").click()
    page.locator("#id_positions").fill("出纳助理、仓库管理")
    page.locator("#id_capacity").fill("3")
    page.locator("#id_supervisor").fill("李娜 13800000000")
    _attach(page, "带教老师任命书.png")
    axe_clean(page)
    page.locator("main form button[type=submit]").click()
    axe_clean(page)
    assert "带教老师任命书.png" in page.locator("main").inner_text()
    page.locator("main form button[type=submit]").click()
    axe_clean(page)
    base = Case.objects.get(kind=CaseKind.INTERNSHIP_BASE)
    assert base.state == CaseState.SUBMITTED and base.evidence.count() == 1
    assert base.reference in page.locator("main").inner_text()

    # The caseworker of 塔城市 approves the base.
    worker = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    worker.goto(f"/workbench/cases/{base.pk}/")
    sign_in_staff(worker, "li.qiang")
    assert "带教老师任命书.png" in worker.locator("main").inner_text()
    _decide(worker, base, axe_clean)
    base.refresh_from_db()
    assert base.state == CaseState.FINAL
    text = _decision_text(page, base, axe_clean)
    assert host.name in text and base.reference in text

    # The enterprise claims for an intern (youth, 24 on the start date).
    page.goto("/apply/enterprise-claims/new/internship/")
    page.locator("#id_id_number").fill("654202199807080021")
    page.locator("#id_intern_name").fill("阿依古丽")
    page.locator("input[name=category][value=youth]").check()
    page.locator("#id_start_date").fill("2019-03-01")
    page.locator("#id_months").fill("6")
    page.locator("#id_host_monthly_pay").fill("1000")
    page.locator("#id_accident_policy_number").fill("PICC-2019-0001")
    _attach(page, "见习协议.png")
    axe_clean(page)
    page.locator("main form button[type=submit]").click()
    assert "654202199807080021" not in page.url
    text = page.locator("main").inner_text()
    assert "654202********0021" in text and "¥9,720.00" in text
    axe_clean(page)
    page.locator("main form button[type=submit]").click()
    axe_clean(page)
    claim = Case.objects.get(kind=CaseKind.INTERNSHIP)
    assert claim.state == CaseState.SUBMITTED and claim.evidence.count() == 1

    # The caseworker approves at the calculated amount; the enterprise sees the result.
    _decide(worker, claim, axe_clean)
    claim.refresh_from_db()
    assert claim.state == CaseState.FINAL and str(claim.approved_amount) == "9720.00"
    page.goto("/apply/")
    row = page.locator("tr", has_text=claim.reference)
    assert "¥9,720.00" in row.inner_text()
    text = _decision_text(page, claim, axe_clean)
    assert host.name in text and "¥9,720.00" in text and "玖仟柒佰贰拾元整" in text
    page.context.close()
    worker.context.close()


# What the enterprise types on each claim's page (field id -> value), and the document it attaches.
CLAIM_PAGES = {
    "in-job-training": (
        {
            "#id_course": "焊工岗位技能提升培训",
            "#id_training_start": "2019-05-06",
            "#id_training_end": "2019-05-31",
            "#id_trainees": "20",
            "#id_training_costs": "60000",
            "#id_education_fund": "20000",
        },
        "培训费发票.png",
    ),
    "guarantee-referral": (
        {"#id_purpose": "购置生产设备，补充流动资金", "#id_contact": "王芳 13912345678"},
        "财务报表.png",
    ),
    "startup-loan": (
        {
            "#id_requested_amount": "2000000",
            "#id_current_staff": "39",
            "#id_new_qualifying_hires": "12",
            "#id_contract_years": "2",
            "#id_purpose": "扩大生产，吸纳就业",
        },
        "劳动合同.png",
    ),
}


@pytest.mark.parametrize("slug", CLAIM_PAGES)
def test_an_enterprise_claims_with_a_document_and_downloads_the_decision(
    slug: str,
    browser,
    live_server,
    make_user,
    make_enterprise,
    recognise_hardship,
    settings,
    tmp_path,
    axe_clean,
    sign_in_staff,
) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    officer = make_user(Role.PREFECTURE_OFFICER, username="zhao.min")
    caseworker = make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.qiang")
    ent = make_enterprise(officer)
    ent.on_quality_list = True  # on the prefecture's quality-enterprise list (clause （二）)
    ent.save()
    user = make_user(Role.ENTERPRISE_APPLICANT, username="wang.fang")
    EnterpriseMembership.objects.create(user=user, enterprise=ent, email_confirmed_at=timezone.now())
    if slug == "in-job-training":
        recognise_hardship(user, caseworker, officer, ent)  # on the final hardship list of 2019 (clause （六）)

    page = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    page.goto("/apply/enterprise-claims/")
    _enterprise_sign_in(page, "wang.fang")
    worker = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    worker.goto("/workbench/cases/")
    sign_in_staff(worker, "li.qiang")

    fields, document = CLAIM_PAGES[slug]
    page.goto("/apply/")
    page.locator("main a[href='/apply/enterprise-claims/']").click()
    axe_clean(page)
    page.locator(f"a[href='/apply/enterprise-claims/new/{slug}/']").click()
    axe_clean(page)
    for selector, value in fields.items():
        page.locator(selector).fill(value)
    _attach(page, document)
    page.locator("main form button[type=submit]").click()
    axe_clean(page)  # check your answers, with the document listed
    assert "/check/" in page.url and document in page.locator("main").inner_text()
    page.locator("main form button[type=submit]").click()
    axe_clean(page)  # confirmation
    case = Case.objects.exclude(kind=CaseKind.HARDSHIP_RECOGNITION).get()
    assert [e.original_name for e in case.evidence.all()] == [document]

    if slug == "guarantee-referral":
        # Returned for one more document: the clerk uploads it on the claim's page and resubmits.
        worker.goto(f"/workbench/cases/{case.pk}/")
        worker.locator(f"form[action='/workbench/cases/{case.pk}/claim/'] button").click()
        worker.fill("#id_return-reason", "请补充上传营业执照。")
        worker.locator("form[action$='/return/'] button[type=submit]").click()
        page.goto("/apply/")
        page.get_by_role("link", name="补正并重新提交").first.click()
        axe_clean(page)
        assert "请补充上传营业执照。" in page.locator("main").inner_text()
        page.get_by_role("link", name="修改填写内容").click()
        axe_clean(page)
        _attach(page, "营业执照.png")
        page.get_by_role("button", name="保存并继续").click()
        axe_clean(page)
        assert "营业执照.png" in page.locator("main").inner_text()
        page.get_by_role("button", name="重新提交申请").click()
        axe_clean(page)
        assert sorted(e.original_name for e in case.evidence.all()) == sorted([document, "营业执照.png"])
    _decide(worker, case, axe_clean)
    case.refresh_from_db()
    assert case.state == CaseState.FINAL
    text = _decision_text(page, case, axe_clean)
    assert ent.name in text and case.reference in text
    if case.approved_amount is not None:
        assert f"¥{case.approved_amount:,.2f}" in text
    page.context.close()
    worker.context.close()
