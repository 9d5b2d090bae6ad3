"""告知承诺制 on a phone: a resident of 乌苏市 whose household registration is in 塔城市 has no rental contract at hand,
signs the commitment (承诺书) on the first page of the registration instead of uploading, and submits; every page
axe-clean, nothing wider than the screen (Chromium at 390×844, in Chinese, clicking what a person clicks). Then a
caseworker of 乌苏市, at a laptop, opens the sampled case's post-check from the workbench and finds the promise false:
the decision is revoked."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from portal.roles import Role
from registry.models import County
from subsidies.cases.workflow import case_approve, case_take
from subsidies.commitments import commitment_draws_due, commitment_sign
from subsidies.measures.m09_registration import registration_submit
from subsidies.models import Case, CaseState, Commitment, Evidence
from subsidies.services import parameter_add
from tests.conftest import RESIDENT_PASSWORD
from tests.e2e.conftest import LAPTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAME = "古丽娜尔·艾力"


def fits_the_screen(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_a_resident_signs_a_commitment_instead_of_uploading_on_a_phone(  # type: ignore[no-untyped-def]
    browser, live_server, settings, tmp_path, make_person, make_resident_user, axe_clean
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    person = make_person(area="654201", county="654202", name=NAME)
    user = make_resident_user(person)
    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = ctx.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("手机号、身份证号或用户名").fill(user.username)
    page.get_by_label("密码").fill(RESIDENT_PASSWORD)
    page.get_by_role("button", name="登录").last.click()

    page.goto("/apply/services/unemployment-registration/")
    page.get_by_role("button", name="现在开始").click()
    assert page.url.endswith("/residence/")
    axe_clean(page)
    page.get_by_role("link", name="签署承诺代替：居住证明（租房合同、居住证明等）").click()

    # The commitment: what is promised, that it may be checked, what follows a false one.
    assert page.url.split("?")[0].endswith("/commitments/residence/")
    text = page.get_by_test_id("commitment-text").inner_text()
    assert "核查" in text and "撤销" in text and "12 个月" in text
    axe_clean(page)
    fits_the_screen(page)
    page.get_by_label("我已阅读以上承诺书，并承诺所述内容属实。").check()
    page.get_by_label("输入您的姓名以签署").fill(NAME)
    page.get_by_role("button", name="签署承诺").click()

    assert page.url.endswith("/residence/")
    assert "居住证明" in page.get_by_test_id("commitments-signed").inner_text()
    axe_clean(page)
    fits_the_screen(page)
    page.get_by_label("您现在居住在哪个县（市）？").select_option(str(County.objects.get(code="654202").pk))
    page.get_by_label("您在当地的住址").fill("乌苏市虹桥街道 12 号")
    page.get_by_role("button", name="保存并继续").click()
    assert page.url.endswith("/able-to-work/"), page.url

    case = Case.objects.get(person=person)
    commitment = Commitment.objects.get(case=case)
    assert (commitment.purpose, commitment.signed_name, commitment.signed_by_id) == ("residence", NAME, user.pk)
    assert commitment.ip_address is not None
    assert not Evidence.objects.filter(case=case).exists()
    assert case.state == CaseState.DRAFT
    ctx.close()


def test_a_caseworker_finds_a_promise_false_and_the_decision_is_revoked(  # type: ignore[no-untyped-def]
    browser,
    live_server,
    make_person,
    make_resident_user,
    make_user,
    draft_registration,
    officer,
    axe_clean,
    sign_in_staff,
) -> None:
    resident = make_resident_user(make_person(area="654201", county="654202", name=NAME))
    caseworker = make_user(Role.COUNTY_CASEWORKER, county_code="654202", username="li.ming")
    case = draft_registration(resident)
    commitment_sign(case=case, purpose="residence", signed_name=NAME, ip_address="10.0.0.9", actor=resident)
    case = registration_submit(case=case, token=uuid.uuid4(), actor=resident)
    case_take(case=case, actor=caseworker)
    case = case_approve(case=case, actor=caseworker)
    parameter_add(key="commitment.sample_rate", value="1", valid_from=date(2020, 1, 1), source="test", actor=officer)
    assert commitment_draws_due() == 1

    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP)
    page = ctx.new_page()
    page.goto("/accounts/login/")
    sign_in_staff(page, caseworker.username)
    page.goto("/workbench/")
    page.get_by_role("link", name="告知承诺事后核查").click()
    axe_clean(page)
    page.get_by_role("link", name=case.reference).click()
    axe_clean(page)
    page.get_by_label("承诺不实：撤销决定").check()
    page.get_by_label("核查方式及核查结果").fill("社区走访：该地址无此住户，房东否认出租")
    page.get_by_role("button", name="记录核查结果").click()
    assert page.get_by_test_id("check-state").inner_text() == "核查不实"
    assert page.get_by_test_id("case-state").inner_text() == "因承诺不实被撤销"
    axe_clean(page)
    case.refresh_from_db()
    assert case.state == CaseState.REVOKED
    ctx.close()
