"""The stable-job refund application (clause （一）): steps, prefilled figures, check your answers, one submission."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portal.models import User
from registry.audit import audit_trail
from subsidies.cases.workflow import case_draft_start, case_return, case_take
from subsidies.models import Case, CaseKind, CaseState

pytestmark = pytest.mark.django_db

BANK = {"bank_name": "中国工商银行塔城分行", "bank_account": "6222 0212 3456 7890 123"}
REGISTRY_FIGURES = {
    "ui_premiums_paid_last_year": "48000.00",
    "ui_months_paid_in_full": "12",
    "insured_at_start": "40",
    "insured_at_end": "39",
    "retired_or_deceased": "1",
}


def step(case: Case, slug: str) -> str:
    return reverse("apply:step", args=["stable-job-refund", case.pk, slug])


def check(case: Case) -> str:
    return reverse("apply:check", args=["stable-job-refund", case.pk])


def start(client: Client, year: int = 2019) -> Case:
    response = client.post(reverse("apply:start-stable-job-refund"), {"year": year})
    case = Case.objects.get(kind=CaseKind.STABLE_JOB_REFUND, year=year)
    assert response.status_code == 302
    assert response["Location"] == step(case, "track")
    return case


def fill_in(client: Client, case: Case, figures: dict[str, str] | None = None) -> None:
    """Walk the steps with the figures as prefilled (or the ones given)."""
    assert client.post(step(case, "track"), {"track": "standard"})["Location"] == step(case, "figures")
    assert client.post(step(case, "figures"), figures or REGISTRY_FIGURES)["Location"] == step(case, "bank")
    assert client.post(step(case, "bank"), BANK)["Location"] == step(case, "declaration")
    assert client.post(step(case, "declaration"), {"declaration": "on"})["Location"] == check(case)


def token_of(response: Any) -> str:
    return re.search(r'name="token" value="([0-9a-f-]{36})"', response.content.decode()).group(1)


@pytest.fixture
def ent(officer, make_enterprise):  # type: ignore[no-untyped-def]
    """An enterprise of 塔城市 with its 2018 insurance year (48,000 yuan of UI premiums, 12 months, 1 layoff)."""
    return make_enterprise(officer)


@pytest.fixture
def user(ent, make_applicant) -> User:  # type: ignore[no-untyped-def]
    return make_applicant(ent)


def test_it_prefills_last_years_figures_and_marks_their_source(user: User, english_client) -> None:
    client = english_client(user)
    case = start(client)
    client.post(step(case, "track"), {"track": "standard"})
    page = client.get(step(case, "figures")).content.decode()
    assert 'data-testid="figures-source"' in page
    assert "From the social-insurance system" in page
    assert 'value="48000.00"' in page
    assert 'name="insured_at_start" value="40"' in page
    client.post(step(case, "figures"), REGISTRY_FIGURES)
    case.refresh_from_db()
    assert case.answers["figures_source"] == "registry"
    assert case.answers["ui_premiums_paid_last_year"] == "48000.00"
    assert case.answers["insured_at_start"] == 40


def test_changing_a_prefilled_figure_needs_a_reason(user: User, english_client) -> None:
    client = english_client(user)
    case = start(client)
    client.post(step(case, "track"), {"track": "standard"})
    changed = {**REGISTRY_FIGURES, "ui_premiums_paid_last_year": "50000"}
    response = client.post(step(case, "figures"), changed)
    assert response.status_code == 400  # the page again, with the error next to the field
    page = response.content.decode()
    assert 'id="id_change_reason_error"' in page
    assert 'href="#id_change_reason"' in page
    case.refresh_from_db()
    assert "ui_premiums_paid_last_year" not in case.answers  # nothing changed
    reason = "December's premiums were paid late and are missing from the system."
    response = client.post(step(case, "figures"), {**changed, "change_reason": reason})
    assert response["Location"] == step(case, "bank")
    case.refresh_from_db()
    assert case.answers["ui_premiums_paid_last_year"] == "50000.00"
    assert case.answers["figures_source"] == "applicant"
    assert case.answers["figures_change_reason"] == reason
    assert case.answers["figures_changed"] == ["ui_premiums_paid_last_year"]


def test_figures_without_a_registry_record_are_entered_by_the_applicant(
    officer, english_client, make_applicant
) -> None:  # type: ignore[no-untyped-def]
    from registry.models import County
    from registry.services import enterprise_register

    new = enterprise_register(
        credit_code="92654202MA7XK2B12N",
        name="乌苏新企业",
        county=County.objects.get(code="654202"),
        size_class="micro",
        actor=officer,
    )
    client = english_client(make_applicant(new, username="new"))
    case = start(client)
    client.post(step(case, "track"), {"track": "standard"})
    page = client.get(step(case, "figures")).content.decode()
    assert 'data-testid="figures-source"' not in page
    assert "change_reason" not in page
    client.post(step(case, "figures"), {**REGISTRY_FIGURES, "ui_premiums_paid_last_year": "1000"})
    case.refresh_from_db()
    assert case.answers["figures_source"] == "applicant"


def test_each_step_explains_bad_input_next_to_the_field(user: User) -> None:
    client = Client()
    client.force_login(user)  # Chinese, the default language
    case = start(client)
    response = client.post(step(case, "track"), {})
    assert response.status_code == 400
    assert 'id="id_track_error"' in response.content.decode()
    client.post(step(case, "track"), {"track": "standard"})
    response = client.post(step(case, "figures"), {**REGISTRY_FIGURES, "insured_at_start": "-3"})
    assert 'id="id_insured_at_start_error"' in response.content.decode()
    response = client.post(step(case, "bank"), {"bank_name": "x", "bank_account": "12ab"})
    assert 'id="id_bank_account_error"' in response.content.decode()
    response = client.post(step(case, "declaration"), {})
    assert 'id="id_declaration_error"' in response.content.decode()


# Noon in Tacheng on a day of 2019, when the hardship track's window (2019-01-01..2019-12-31) was open.
IN_2019 = datetime(2019, 6, 3, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_一_in_2019_the_hardship_track_is_offered_only_to_enterprises_on_the_final_list(
    user: User, ent, english_client
) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(IN_2019, tick=False):
        client = english_client(user)
        case = start(client)
        page = client.get(step(case, "track")).content.decode()
        assert 'value="hardship"' not in page
        assert "The hardship track is only for applications for 2019" in page
        assert client.post(step(case, "track"), {"track": "hardship"}).status_code == 400  # refused
        # Recognised and published: the enterprise is on the final hardship list of 2019 (clause （一）).
        Case.objects.create(
            kind=CaseKind.HARDSHIP_RECOGNITION,
            enterprise=ent,
            county=ent.county,
            year=2019,
            state=CaseState.FINAL,
            reference="KN-654201-2019-000001",
            created_by=user,
        )
        page = client.get(step(case, "track")).content.decode()
        assert 'value="hardship"' in page
        client.post(step(case, "track"), {"track": "hardship"})
        page = client.get(step(case, "figures")).content.decode()
        assert 'name="insured_employees" value="39"' in page
        assert 'name="monthly_social_insurance_due" value="30000.00"' in page


def test_一_after_2019_the_hardship_track_is_closed_even_to_an_enterprise_on_the_list(
    user: User, ent, english_client
) -> None:  # type: ignore[no-untyped-def]
    """（一） 困难企业稳岗返还 for applications dated 2019-01-01..2019-12-31 only: today, for 2019 or any year, the
    track and the recognition say they are closed, and a hardship answer posted around the page is refused."""
    Case.objects.create(
        kind=CaseKind.HARDSHIP_RECOGNITION,
        enterprise=ent,
        county=ent.county,
        year=2019,
        state=CaseState.FINAL,
        reference="KN-654201-2019-000001",
        created_by=user,
    )
    client = english_client(user)
    for year in (2019, 2020):
        case = start(client, year=year)
        response = client.get(step(case, "track"))
        page = response.content.decode()
        assert response.status_code == 200
        assert 'value="standard"' in page and 'value="hardship"' not in page
        assert "The hardship track was open only to applications made from 2019-01-01 to 2019-12-31" in page
        assert client.post(step(case, "track"), {"track": "hardship"}).status_code == 400  # refused
        case.refresh_from_db()
        assert case.track != "hardship"
    page = client.get(reverse("apply:start-hardship-recognition")).content.decode()
    assert "Recognition as a hardship enterprise was open only to applications made from 2019-01-01" in page
    assert 'name="year"' not in page
    response = client.post(reverse("apply:start-hardship-recognition"), {"year": 2019})
    assert (
        not Case.objects.filter(kind=CaseKind.HARDSHIP_RECOGNITION, created_by=user)
        .exclude(pk__in=[])
        .exclude(reference="KN-654201-2019-000001")
        .exists()
    )


def test_the_check_page_shows_the_calculators_amount_with_breakdown_and_clause(user: User, english_client) -> None:
    client = english_client(user)
    case = start(client)
    fill_in(client, case)
    page = client.get(check(case)).content.decode()
    assert 'data-testid="amount">¥24,000.00' in page  # 50% of 48,000 (clause （一）)
    assert "塔行发〔2019〕16号（一）" in page
    assert "Layoff rate" in page
    assert "From the social-insurance system" in page
    assert "************0123" in page and "6222021234567890123" not in page  # the account is masked
    assert f'href="{step(case, "figures")}?from=check"' in page


def test_a_change_link_returns_to_the_check_page(user: User, english_client) -> None:
    client = english_client(user)
    case = start(client)
    fill_in(client, case)
    response = client.post(step(case, "bank") + "?from=check", {"bank_name": "农业银行", "bank_account": ""})
    assert response["Location"] == check(case)
    case.refresh_from_db()
    assert case.answers["bank_name"] == "农业银行"
    assert case.bank_account == "6222021234567890123"  # kept


def test_a_double_submit_makes_one_case(user: User, english_client) -> None:
    client = english_client(user)
    case = start(client)
    fill_in(client, case)
    token = token_of(client.get(check(case)))
    first = client.post(check(case), {"token": token})
    second = client.post(check(case), {"token": token})  # a double click, or the browser retrying
    confirmation = reverse("apply:confirmation", args=[case.pk])
    assert first["Location"] == confirmation
    assert second["Location"] == confirmation
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.reference == "WG-654201-2019-000001"
    assert case.calculated_amount == Decimal("24000.00")
    assert audit_trail(case).filter(action="case_submit").count() == 1


def test_the_confirmation_page_gives_the_reference_and_what_happens_next(user: User, english_client) -> None:
    client = english_client(user)
    case = start(client)
    fill_in(client, case)
    client.post(check(case), {"token": token_of(client.get(check(case)))})
    page = client.get(reverse("apply:confirmation", args=[case.pk])).content.decode()
    assert 'data-testid="reference">WG-654201-2019-000001' in page
    assert "What happens next" in page
    assert "塔城市" in page


def test_an_unconfirmed_account_cannot_submit(ent, english_client, make_applicant) -> None:  # type: ignore[no-untyped-def]
    client = english_client(make_applicant(ent, confirmed=False))
    case = start(client)
    fill_in(client, case)
    response = client.post(check(case), {"token": token_of(client.get(check(case)))})
    assert response.status_code == 400
    assert "Confirm your email address before you submit" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT


def test_an_unfinished_application_is_resumed_where_it_stopped(user: User, english_client) -> None:
    client = english_client(user)
    case = start(client)
    client.post(step(case, "track"), {"track": "standard"})
    client.post(step(case, "figures"), REGISTRY_FIGURES)
    page = client.get(reverse("apply:index")).content.decode()
    assert f'href="{step(case, "bank")}"' in page
    # Starting again for the same year continues the same draft.
    response = client.post(reverse("apply:start-stable-job-refund"), {"year": 2019})
    assert response["Location"] == step(case, "bank")
    assert Case.objects.count() == 1


def test_the_check_page_sends_unfinished_applications_back_to_the_missing_page(user: User, english_client) -> None:
    client = english_client(user)
    case = start(client)
    client.post(step(case, "track"), {"track": "standard"})
    page = client.get(check(case)).content.decode()
    assert f'href="{step(case, "figures")}"' in page
    response = client.post(check(case), {"token": token_of(client.get(check(case)))})
    assert response["Location"] == step(case, "figures")
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT


def test_a_returned_case_shows_the_reason_and_can_be_corrected_and_resubmitted(
    user: User, ent, caseworker, english_client
) -> None:  # type: ignore[no-untyped-def]
    client = english_client(user)
    case = start(client)
    fill_in(client, case)
    client.post(check(case), {"token": token_of(client.get(check(case)))})
    case.refresh_from_db()
    case_take(case=case, actor=caseworker)
    case_return(case=case, reason="Attach the December payment slip and correct the premiums.", actor=caseworker)
    index = client.get(reverse("apply:index")).content.decode()
    assert "Attach the December payment slip" in index
    assert "Correct and resubmit" in index
    history = client.get(reverse("apply:case", args=[case.pk])).content.decode()
    assert "It was returned to you for correction: Attach the December payment slip" in history
    assert caseworker.username not in history  # no caseworker internals
    changed = {**REGISTRY_FIGURES, "ui_premiums_paid_last_year": "50000", "change_reason": "December slip attached."}
    assert client.post(step(case, "figures") + "?from=check", changed)["Location"] == check(case)
    response = client.post(check(case), {"token": token_of(client.get(check(case)))})
    assert response["Location"] == reverse("apply:confirmation", args=[case.pk])
    case.refresh_from_db()
    assert case.state == CaseState.RESUBMITTED
    assert case.calculated_amount == Decimal("25000.00")
    assert "You corrected and resubmitted it." in client.get(reverse("apply:case", args=[case.pk])).content.decode()


def test_a_returned_refund_takes_the_document_the_caseworker_asked_for(
    user: User, ent, caseworker, english_client, client_for, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The caseworker asks for the December payment slip: the enterprise uploads it with the correction, and the
    caseworker finds it on the review page (it was "check against the documents" with none to check)."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    client = english_client(user)
    case = start(client)
    fill_in(client, case)
    assert "Documents uploaded" not in client.get(check(case)).content.decode()  # a first application: no page
    client.post(check(case), {"token": token_of(client.get(check(case)))})
    case.refresh_from_db()
    case_take(case=case, actor=caseworker)
    case_return(case=case, reason="Attach the December payment slip (缴费凭证).", actor=caseworker)
    page = client.get(check(case)).content.decode()
    documents = step(case, "documents")
    assert "Documents uploaded" in page and f'href="{documents}?from=check"' in page
    slip = SimpleUploadedFile("缴费凭证.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert client.post(documents + "?from=check", {"file": slip, "documents": "12月缴费凭证"})["Location"] == check(
        case
    )
    assert "缴费凭证.pdf" in client.get(check(case)).content.decode()
    client.post(check(case), {"token": token_of(client.get(check(case)))})
    case.refresh_from_db()
    assert case.state == CaseState.RESUBMITTED
    review = client_for(caseworker).get(reverse("workbench:case", args=[case.pk])).content.decode()
    assert "缴费凭证.pdf" in review


def test_a_submitted_case_can_no_longer_be_changed(user: User, english_client) -> None:
    client = english_client(user)
    case = start(client)
    fill_in(client, case)
    client.post(check(case), {"token": token_of(client.get(check(case)))})
    response = client.post(step(case, "bank"), BANK)
    assert response["Location"] == reverse("apply:case", args=[case.pk])


def test_my_applications_lists_state_reference_amount_history_and_next_step(
    user: User, ent, submit_refund, english_client
) -> None:  # type: ignore[no-untyped-def]
    case = submit_refund(user, ent)
    client = english_client(user)
    page = client.get(reverse("apply:index")).content.decode()
    assert case.reference in page
    assert "Submitted" in page
    assert "¥24,000.00" in page
    assert "Waiting for a caseworker of your county to take it." in page
    detail = client.get(reverse("apply:case", args=[case.pk])).content.decode()
    assert f"You submitted the application. Reference number: {case.reference}." in detail


# --- Scoping: the owner, a colleague of the same enterprise, another enterprise, staff and anonymous ---------------


def test_only_members_of_the_enterprise_see_its_case(
    user, ent, officer, caseworker, make_enterprise, submit_refund, english_client, make_applicant, client_for
) -> None:  # type: ignore[no-untyped-def]
    case = submit_refund(user, ent)
    other = make_enterprise(officer, code="92654202MA7XK2B12N", county="654202")
    outsider = make_applicant(other, username="outsider")
    colleague = make_applicant(ent, username="colleague")
    for path in [reverse("apply:case", args=[case.pk]), reverse("apply:confirmation", args=[case.pk])]:
        assert english_client(user).get(path).status_code == 200
        assert english_client(colleague).get(path).status_code == 200
        assert english_client(outsider).get(path).status_code == 404
        assert client_for(caseworker).get(path).status_code == 403  # staff past two-factor: not theirs
        anonymous = Client().get(path)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    assert case.reference not in english_client(outsider).get(reverse("apply:index")).content.decode()
    for slug in ["track", "figures", "bank", "declaration"]:
        assert english_client(outsider).get(step(case, slug)).status_code == 404
    assert (
        english_client(outsider).post(check(case), {"token": "6f1c1b8e-1111-4a4a-9a9a-000000000000"}).status_code == 404
    )


def test_another_enterprises_token_posted_with_ones_own_draft_submits_nothing_and_shows_nothing(
    user, ent, officer, submit_refund, make_enterprise, make_applicant, english_client
) -> None:  # type: ignore[no-untyped-def]
    """The attacker has seen another enterprise's submission token (over a shoulder, in a shared browser's history)
    and posts it with their own finished draft: no 500, their draft stays a draft, and nothing of the other case is
    shown."""
    theirs = submit_refund(user, ent)
    other = make_enterprise(officer, code="92654202MA7XK2B12N", county="654202")
    outsider = make_applicant(other, username="outsider")
    client = english_client(outsider)
    own = case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=other, year=2019, actor=outsider)
    fill_in(client, own)
    answer = client.post(check(own), {"token": str(theirs.submission_token)})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "This form was used already. Open the check page again to submit." in page
    assert theirs.reference not in page and ent.name not in page
    own.refresh_from_db()
    theirs_again = Case.objects.get(pk=theirs.pk)
    assert (own.state, own.reference, own.submission_token) == (CaseState.DRAFT, None, None)
    assert (theirs_again.state, theirs_again.reference) == (CaseState.SUBMITTED, theirs.reference)
