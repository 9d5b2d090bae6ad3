"""Enterprise claim pages and loan pages: the journey through the forms, and scoping (owner / other / county)."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from subsidies.cases import claims
from subsidies.cases.workflow import case_return, case_take
from subsidies.measures import m02_guarantee_referral, m03_startup_loan, m05_internship
from subsidies.models import Case, CaseKind, CaseState

pytestmark = pytest.mark.django_db

ID_1998 = "654202199807080021"  # a POLICY.md test number, born 1998-07-08: make_intern_claim's intern


@pytest.fixture
def host(officer, make_enterprise):  # type: ignore[no-untyped-def]
    return make_enterprise(officer)


def test_it_files_an_intern_claim_through_the_pages_without_the_id_number_in_urls(
    host, caseworker, approve_internship_base, applicant_for
):
    user, client = applicant_for(host, "host")
    approve_internship_base(user, host, caseworker)
    response = client.post(
        reverse("enterprise_claims:new", args=["internship"]),
        {
            "enterprise": host.pk,
            "id_number": ID_1998,
            "intern_name": "阿依古丽",
            "category": "youth",
            "start_date": "2019-03-01",
            "months": "6",
            "host_monthly_pay": "1000",
            "accident_policy_number": "PICC-1",
        },
    )
    case = Case.objects.get(kind=CaseKind.INTERNSHIP)
    assert response.status_code == 302 and ID_1998 not in response["Location"]
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "654202********0021" in text and ID_1998 not in text
    assert "¥9,720.00" in text
    response = client.post(reverse("enterprise_claims:check", args=[case.pk]), {"token": str(uuid.uuid4())})
    assert response["Location"] == reverse("apply:confirmation", args=[case.pk])
    case.refresh_from_db()
    index = client.get(reverse("apply:index")).content.decode()
    assert case.state == CaseState.SUBMITTED and case.reference in index


def test_it_shows_a_bad_id_number_next_to_the_field(host, applicant_for):
    _user, client = applicant_for(host, "host")
    response = client.post(
        reverse("enterprise_claims:new", args=["internship"]),
        {"enterprise": host.pk, "id_number": "654202199807080022", "intern_name": "x", "category": "youth"},
    )
    assert response.status_code == 400
    assert "check character" in response.content.decode()
    assert not Case.objects.filter(kind=CaseKind.INTERNSHIP).exists()


def test_it_shows_the_failed_check_before_submission(host, applicant_for):
    _user, client = applicant_for(host, "host")
    client.post(
        reverse("enterprise_claims:new", args=["guarantee-referral"]),
        {"enterprise": host.pk, "purpose": "流动资金", "contact": "王芳"},
    )
    case = Case.objects.get(kind=CaseKind.GUARANTEE_REFERRAL)
    page = client.get(reverse("enterprise_claims:check", args=[case.pk])).content.decode()
    assert "not on the quality-enterprise list" in page
    response = client.post(reverse("enterprise_claims:check", args=[case.pk]), {"token": str(uuid.uuid4())})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state == CaseState.DRAFT


def test_it_keeps_claims_to_their_enterprise_and_county(
    host, caseworker, caseworker_wusu, client_for, make_enterprise, applicant_for
):
    owner, owner_client = applicant_for(host, "owner")
    other_ent = make_enterprise(owner, code="92654202MA7XK2B12N", county="654202")
    _other, other_client = applicant_for(other_ent, "other")
    base = m05_internship.internship_base_start(
        enterprise=host, answers={"positions": "a", "capacity": 1, "supervisor": "b"}, actor=owner
    )
    assert owner_client.get(reverse("enterprise_claims:check", args=[base.pk])).status_code == 200
    assert other_client.get(reverse("enterprise_claims:check", args=[base.pk])).status_code == 404
    assert other_client.get(reverse("enterprise_claims:edit", args=[base.pk])).status_code == 404
    base = claims.claim_submit(case=base, token=uuid.uuid4(), actor=owner)
    case_url = reverse("workbench:case", args=[base.pk])
    assert client_for(caseworker).get(case_url).status_code == 200
    assert client_for(caseworker_wusu).get(case_url).status_code == 404


def test_it_records_a_loan_and_shows_the_schedule_only_in_scope(  # type: ignore[no-untyped-def]
    host, officer, caseworker, caseworker_wusu, client_for, claim_and_approve, applicant_for
):
    owner, _client = applicant_for(host, "owner")
    case = m03_startup_loan.startup_loan_enterprise_start(
        enterprise=host,
        year=2019,
        answers={"requested_amount": "500000", "current_staff": 40, "new_qualifying_hires": 10, "contract_years": 1},
        actor=owner,
    )
    case = claim_and_approve(claims.claim_submit(case=case, token=uuid.uuid4(), actor=owner), caseworker)
    officer_client = client_for(officer)
    response = officer_client.post(
        reverse("workbench:loan-new", args=[case.pk]),
        {
            "lender": "农行塔城分行",
            "amount": "500000",
            "granted_on": "2019-06-01",
            "annual_rate_percent": "4.35",
            "term_months": "36",
        },
    )
    loan = Case.objects.get(pk=case.pk).loan
    assert response["Location"] == reverse("workbench:loan", args=[loan.pk])
    page = officer_client.get(response["Location"]).content.decode()
    assert "21750.00" in page
    assert client_for(caseworker).get(reverse("workbench:loan", args=[loan.pk])).status_code == 200
    assert client_for(caseworker_wusu).get(reverse("workbench:loan", args=[loan.pk])).status_code == 404
    response = client_for(caseworker).post(
        reverse("workbench:loan-payment", args=[loan.pk]),
        {
            "loan_year": "1",
            "period_from": "2019-06-01",
            "period_to": "2019-12-31",
            "amount": "1",
            "paid_on": "2020-01-05",
        },
    )
    assert response.status_code == 403
    rewards = officer_client.get(reverse("workbench:loan-rewards"), {"year": 2019}).content.decode()
    assert "¥5,000.00" in rewards
    file_page = client_for(caseworker).get(reverse("workbench:registry-enterprise", args=[host.pk])).content.decode()
    assert case.reference in file_page


def test_it_lets_only_officers_change_the_quality_list(host, officer, caseworker, client_for):
    url = reverse("workbench:quality-list-set", args=[host.pk])
    assert client_for(caseworker).post(url, {"on_list": "1"}).status_code == 403
    assert client_for(officer).post(url, {"on_list": "1"}).status_code == 302
    host.refresh_from_db()
    assert host.on_quality_list is True
    page = client_for(officer).get(reverse("workbench:quality-list")).content.decode()
    assert host.name in page


def test_it_records_the_guarantee_companys_answer_on_the_review_page(
    host, officer, caseworker, client_for, claim_and_approve, applicant_for
):
    owner, _client = applicant_for(host, "owner")
    from registry.services import enterprise_quality_list_set

    enterprise_quality_list_set(enterprise=host, on_list=True, actor=officer)
    case = m02_guarantee_referral.guarantee_referral_start(
        enterprise=host, answers={"purpose": "a", "contact": "b"}, actor=owner
    )
    case = claim_and_approve(claims.claim_submit(case=case, token=uuid.uuid4(), actor=owner), caseworker)
    response = client_for(caseworker).post(
        reverse("workbench:referral-respond", args=[case.referral.pk]),
        {"answer": "declined", "responded_on": timezone.localdate().isoformat(), "note": "抵押不足"},
    )
    assert response["Location"] == reverse("workbench:case", args=[case.pk])
    case.referral.refresh_from_db()
    assert case.referral.state == "declined"


def test_a_claim_takes_a_document_the_caseworker_reads_and_a_returned_claim_takes_another(
    host, officer, caseworker, approve_internship_base, applicant_for, client_for, make_enterprise, settings, tmp_path
) -> None:
    """The one-page claims take a supporting document too, also when the caseworker returns the claim asking for one;
    the caseworker of the county opens it; another enterprise cannot."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    pdf = b"%PDF-1.4\n%%EOF\n"
    user, client = applicant_for(host, "host")
    approve_internship_base(user, host, caseworker)
    facts = {
        "enterprise": host.pk,
        "id_number": ID_1998,
        "intern_name": "阿依古丽",
        "category": "youth",
        "start_date": "2019-03-01",
        "months": "6",
        "host_monthly_pay": "1000",
        "accident_policy_number": "PICC-1",
    }
    contract = SimpleUploadedFile("见习协议.pdf", pdf, content_type="application/pdf")
    response = client.post(reverse("enterprise_claims:new", args=["internship"]), {**facts, "document": contract})
    case = Case.objects.get(kind=CaseKind.INTERNSHIP)
    assert response["Location"] == reverse("enterprise_claims:check", args=[case.pk])
    assert "见习协议.pdf" in client.get(response["Location"]).content.decode()
    client.post(reverse("enterprise_claims:check", args=[case.pk]), {"token": str(uuid.uuid4())})
    case.refresh_from_db()
    case_take(case=case, actor=caseworker)
    case_return(case=case, reason="请上传意外伤害保险保单。", actor=caseworker)
    policy = SimpleUploadedFile("保单.pdf", pdf, content_type="application/pdf")
    edit = reverse("enterprise_claims:edit", args=[case.pk])
    assert client.post(edit, {**facts, "id_number": "", "document": policy}).status_code == 302
    assert set(case.evidence.values_list("original_name", flat=True)) == {"见习协议.pdf", "保单.pdf"}
    review = client_for(caseworker).get(reverse("workbench:case", args=[case.pk])).content.decode()
    assert "见习协议.pdf" in review and "保单.pdf" in review
    _other, stranger = applicant_for(make_enterprise(officer, code="92654202MA7XK2B12N", county="654202"), "stranger")
    assert stranger.get(reverse("apply:evidence", args=[case.evidence.first().pk])).status_code == 404
