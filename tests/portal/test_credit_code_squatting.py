"""Issue 13, point 3: credit-code squatting. An account that registered a credit code not yet imported became its
owner; once the bureau imported the enterprise and the nightly 免申即享 job ran, the squatter saw the refund offer
and could confirm it with their own bank account. Now the sign-up's own approval ends when an import matches the
enterprise: the county must approve the account again (ADR 0004)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from portal.access import enterprises_of
from portal.models import EnterpriseMembership
from portal.services_accounts import enterprise_account_register, membership_approve
from registry.imports import import_file
from registry.models import County
from registry.refusals import Refused
from subsidies.cases.workflow import case_draft_start
from subsidies.measures.m01_stable_job_refund import refund_offers_compute
from subsidies.models import CaseKind, CaseState, RefundOffer

pytestmark = pytest.mark.django_db

CODE = "91654201312345673Q"
PASSWORD = "Tacheng-Refund-2019"


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def bureau_imports_the_enterprise() -> None:
    enterprises = [
        ["credit_code", "name", "county_code", "size_class"],
        [CODE, "塔城示例机械制造有限公司", "654201", "small"],
    ]
    import_file("enterprises", as_csv(enterprises), "e.csv", actor=None)
    header = ["credit_code", "year", "insured_at_start", "insured_at_end", "retired_or_deceased", "ui_premiums_paid"]
    header += ["ui_months_paid_in_full", "monthly_social_insurance_due", "in_arrears"]
    row = [CODE, "2018", "40", "39", "1", "480000.00", "12", "30000.00", "0"]
    result = import_file("insurance", as_csv([header, row]), "i.csv", actor=None)
    assert result.rejected == 0, result.report_csv()


def squat():
    user, membership, matched = enterprise_account_register(
        credit_code=CODE,
        enterprise_name="抢注的名字",
        contact_name="李四",
        phone="13800000002",
        email="squatter@example.com",
        password=PASSWORD,
        site_url="http://testserver",
        county=County.objects.get(code="654201"),
        size_class="small",
    )
    assert not matched and membership.approved_at is not None
    return user


def test_the_squatter_loses_the_enterprise_when_the_import_matches_it(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        squatter = squat()
    assert list(enterprises_of(squatter).values_list("credit_code", flat=True)) == [CODE]
    bureau_imports_the_enterprise()
    refund_offers_compute(year=2019)
    offer = RefundOffer.objects.get(enterprise__credit_code=CODE)
    assert offer.eligible
    assert not enterprises_of(squatter).exists()
    client = Client()
    client.force_login(squatter)
    assert client.get(f"/apply/offers/{offer.pk}/").status_code == 404
    assert str(offer.amount) not in client.get("/apply/").content.decode()


def test_the_county_approves_the_real_owner_again(
    django_capture_on_commit_callbacks, caseworker, caseworker_wusu, client_for
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        owner = squat()  # here the account is the enterprise's own, registered before the import
    bureau_imports_the_enterprise()
    membership = EnterpriseMembership.objects.get(user=owner)
    assert membership.awaits_county_check
    # Neither the account itself nor another county may approve it.
    with pytest.raises(Refused):
        membership_approve(membership=membership, actor=owner)
    with pytest.raises(Refused):
        membership_approve(membership=membership, actor=caseworker_wusu)
    page = client_for(caseworker).get(f"/workbench/registry/enterprises/{membership.enterprise_id}/").content.decode()
    assert "等待县（市）核实" in page
    client_for(caseworker).post(f"/workbench/registry/memberships/{membership.pk}/decide/", {"decision": "approve"})
    membership.refresh_from_db()
    assert membership.approved_by == caseworker and not membership.awaits_county_check
    assert enterprises_of(owner).exists()


def test_a_sign_up_for_a_new_enterprise_that_is_never_imported_keeps_acting(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        owner = squat()
    assert enterprises_of(owner).exists()
    assert not EnterpriseMembership.objects.get(user=owner).awaits_county_check


def test_the_squatters_draft_cannot_be_submitted_once_the_import_matches_the_enterprise(
    django_capture_on_commit_callbacks,
) -> None:
    """The submission finds, checks and locks the case in one query (portal.access.lock_case_for_applicant): that
    query must apply the same memberships-in-force rule as every applicant page."""
    with django_capture_on_commit_callbacks(execute=True):
        squatter = squat()
    enterprise = enterprises_of(squatter).get()
    draft = case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=enterprise, year=2019, actor=squatter)
    bureau_imports_the_enterprise()
    client = Client()
    client.force_login(squatter)
    check = f"/apply/stable-job-refund/{draft.pk}/check/"
    assert client.post(check, {"token": "6f1c1b8e-1111-4a4a-9a9a-000000000001"}).status_code == 404
    draft.refresh_from_db()
    assert (draft.state, draft.reference) == (CaseState.DRAFT, None)
