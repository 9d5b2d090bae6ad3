"""A resident's training claim with living allowance in Chromium (clause （七）): the resident claims, a caseworker of
the county decides in the workbench after signing in with TOTP, and the resident sees the result. Every page the
journey crosses is checked with axe (no serious or critical violations)."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import Role
from subsidies.models import Case, CaseKind, CaseState
from tests.conftest import RESIDENT_PASSWORD, TEST_PASSWORD
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").last.click()


def test_a_resident_claims_training_and_living_allowance_and_sees_the_decision(  # type: ignore[no-untyped-def]
    browser, live_server, make_user, settings, tmp_path, make_resident, axe_clean
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    user, person = make_resident()
    make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.qiang")

    def new_page(**device):  # type: ignore[no-untyped-def]
        return browser.new_context(base_url=live_server.url, locale="zh-CN", **device).new_page()

    # The resident claims after the training, on a phone.
    resident = new_page(**PHONE)
    resident.goto("/apply/claims/training/")
    _sign_in(resident, user.username, RESIDENT_PASSWORD)
    assert resident.locator("#id_institution").is_visible()
    axe_clean(resident)
    resident.locator("#id_institution").fill("塔城市职业技能培训中心")
    resident.locator("#id_course").fill("电工")
    resident.locator("#id_training_type_0").check()
    resident.locator("#id_training_start").fill("2020-05-01")
    resident.locator("#id_training_end").fill("2020-05-20")
    resident.locator("#id_hours").fill("120")
    resident.locator("#id_cost").fill("1600")
    resident.locator("#id_result_0").check()
    resident.locator("#id_certificate_number").fill("PX-2020-000123")
    resident.locator("#id_certificate_file").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    resident.locator("#id_living_allowance").check()
    resident.locator("#id_bank_name").fill("中国农业银行塔城分行")
    resident.locator("#id_bank_account").fill("6228480012345678901")
    resident.locator("main form button[type=submit]").click()
    allowance = Case.objects.get(kind=CaseKind.LIVING_ALLOWANCE, person=person)
    subsidy = Case.objects.get(kind=CaseKind.TRAINING_SUBSIDY, person=person)
    assert resident.get_by_test_id("reference").inner_text() == subsidy.reference
    axe_clean(resident)
    resident.goto("/apply/claims/")
    assert allowance.reference in resident.locator("main").inner_text()
    axe_clean(resident)

    # The caseworker signs in with TOTP, sees the cross-checks passed, and approves the living allowance.
    worker = new_page()
    worker.goto(f"/workbench/cases/{allowance.pk}/")
    _sign_in(worker, "li.qiang", TEST_PASSWORD)
    device = TOTPDevice.objects.get(user__username="li.qiang")
    worker.locator("input[name=otp_token], #id_otp_token, input[autocomplete=one-time-code]").first.fill(
        f"{totp(device.bin_key):06d}"
    )
    worker.locator("main form button[type=submit]").last.click()
    worker.goto(f"/workbench/cases/{allowance.pk}/")
    assert worker.locator("[data-check=once_per_year] .text-bg-success").count() == 1
    assert worker.locator("[data-check=no_ui_benefit] .text-bg-success").count() == 1
    assert worker.get_by_test_id("evidence").get_by_text("certificate.pdf").is_visible()
    axe_clean(worker)
    worker.locator(f"form[action='/workbench/cases/{allowance.pk}/claim/'] button").click()
    worker.locator(f"form[action='/workbench/cases/{allowance.pk}/approve/'] button[type=submit]").click()
    allowance.refresh_from_db()
    assert allowance.state == CaseState.FINAL and str(allowance.approved_amount) == "1000.00"
    axe_clean(worker)

    # The resident sees the result.
    resident.goto(f"/apply/claims/{allowance.pk}/")
    assert resident.get_by_test_id("amount").inner_text().startswith("1000.00")
    with translation.override("zh-hans"):
        final_label = str(CaseState.FINAL.label)
    assert resident.get_by_test_id("state").inner_text() == final_label
    axe_clean(resident)
