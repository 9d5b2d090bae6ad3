"""The workbench half of the enterprise journey in Chromium: claim and approve, publish, object, dismiss, finalise.

A caseworker of the case's county signs in with TOTP, takes a submitted refund case from the queue and approves it;
an officer publishes the list; it is on /notices/; someone objects through the public form; the caseworker dismisses
the objection; once the period is over the officer finalises the list and the case is final. Every page the journey
crosses is checked with axe (no serious or critical violations).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from portal.roles import Role
from subsidies.models import Case, CaseState, NoticeListState, Objection, ObjectionState, PublicNotice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_approves_an_officer_publishes_an_objection_is_dismissed_and_the_list_is_final(
    browser, live_server, make_user, make_enterprise, submit_refund, axe_clean, sign_in_staff
) -> None:  # type: ignore[no-untyped-def]
    cache.delete("notice-objection:127.0.0.1")
    officer = make_user(Role.PREFECTURE_OFFICER, username="zhao.min")
    make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.qiang")
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    case = submit_refund(applicant, make_enterprise(officer))

    def new_page():  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        return context.new_page()

    # The caseworker takes the case from the queue and approves it at the calculated amount.
    worker = new_page()
    worker.goto("/workbench/cases/")
    sign_in_staff(worker, "li.qiang")
    assert case.reference in worker.locator("main").inner_text()
    axe_clean(worker)
    worker.locator(f"form[action='/workbench/cases/{case.pk}/claim/'] button").click()
    assert "li.qiang" in worker.get_by_test_id("assignee").inner_text()
    axe_clean(worker)
    worker.locator(f"form[action='/workbench/cases/{case.pk}/approve/'] button[type=submit]").click()
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED and str(case.approved_amount) == "24000.00"

    # The officer builds the list of approved refunds for the whole prefecture and publishes it today.
    desk = new_page()
    desk.goto("/workbench/notices/")
    sign_in_staff(desk, "zhao.min")
    desk.locator("input[name=title]").fill("2019年稳岗返还拟发放名单公示")
    desk.locator("form[method=get] button[type=submit]").click()
    assert case.reference in desk.locator("main").inner_text()
    axe_clean(desk)
    desk.locator("form[action='/workbench/notices/publish/'] button[type=submit]").click()
    notice = PublicNotice.objects.get()
    assert notice.state == NoticeListState.PUBLISHED

    # The list is public; someone objects through the form.
    public = new_page()
    public.goto("/notices/")
    axe_clean(public)
    public.get_by_role("link", name="2019年稳岗返还拟发放名单公示").click()
    assert case.enterprise.credit_code in public.locator("main").inner_text()
    axe_clean(public)
    public.locator("select[name=entry]").select_option(index=1)
    public.locator("input[name=name]").fill("张三")
    public.locator("input[name=contact]").fill("13800000000")
    public.locator("textarea[name=text]").fill("该企业去年有裁员")
    public.locator(f"form[action='/notices/{notice.pk}/object/'] button[type=submit]").click()
    assert public.url.endswith(f"/notices/{notice.pk}/objection-received/")
    axe_clean(public)
    objection = Objection.objects.get()

    # The caseworker dismisses it with a reason.
    worker.goto(f"/workbench/notices/{notice.pk}/")
    axe_clean(worker)
    worker.locator(f"input[name=o{objection.pk}-outcome][value=dismissed]").check()
    worker.locator(f"textarea[name=o{objection.pk}-reason]").fill("经核实，该企业去年无裁员")
    worker.locator(f"form[action='/workbench/objections/{objection.pk}/resolve/'] button").click()
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DISMISSED

    # The notice period is over (moved into the past here); the officer finalises and the case is final.
    past = timezone.localdate() - timedelta(days=14)
    PublicNotice.objects.filter(pk=notice.pk).update(starts_on=past, ends_on=past + timedelta(days=6))
    desk.goto(f"/workbench/notices/{notice.pk}/")
    desk.locator(f"form[action='/workbench/notices/{notice.pk}/finalise/'] button").click()
    notice.refresh_from_db()
    assert notice.state == NoticeListState.FINAL
    assert Case.objects.get(pk=case.pk).state == CaseState.FINAL
    worker.goto(f"/workbench/cases/{case.pk}/")
    with translation.override("zh-hans"):
        assert worker.get_by_test_id("state").inner_text() == str(CaseState.FINAL.label)
    for p in (worker, desk, public):
        p.context.close()
