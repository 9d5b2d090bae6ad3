"""Offer before applying (免申即享, clause （一）): "you qualify for ¥X — confirm", one page, one case."""

from __future__ import annotations

import importlib
import re
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from registry.models import AuditEvent, InsuranceYear
from subsidies.measures.m01_stable_job_refund import refund_offers_compute
from subsidies.models import Case, CaseState, RefundOffer

pytestmark = pytest.mark.django_db

BANK = {"bank_name": "中国工商银行塔城分行", "bank_account": "6222021234567890123", "declaration": "on"}


@pytest.fixture
def offer(officer, make_enterprise):  # type: ignore[no-untyped-def]
    ent = make_enterprise(officer)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    return RefundOffer.objects.get(enterprise=ent, year=2019)


def token_of(page: str) -> str:
    return re.search(r'name="token" value="([0-9a-f-]{36})"', page).group(1)


def test_my_applications_shows_the_offer_with_its_amount(offer, english_client, make_applicant) -> None:  # type: ignore[no-untyped-def]
    assert offer.eligible and offer.amount == Decimal("24000.00")
    client = english_client(make_applicant(offer.enterprise))
    page = client.get(reverse("apply:index")).content.decode()
    assert "You qualify for a stable-job refund of ¥24,000.00" in page
    assert reverse("apply:offer", args=[offer.pk]) in page


def test_the_offer_page_shows_the_figures_the_amount_comes_from(offer, make_applicant) -> None:  # type: ignore[no-untyped-def]
    """（一） 免申即享: before confirming, the enterprise sees the amount in figures and words, and the figures of the
    year before that it was worked out from, so it can tell whether they are right."""
    client = Client()
    client.force_login(make_applicant(offer.enterprise))
    page = client.get(reverse("apply:offer", args=[offer.pk])).content.decode()
    assert "¥24,000.00" in page and "贰万肆仟元整" in page
    figures = page[page.index('data-testid="offer-figures"') :]
    assert "48000.00" in figures and "上年度实际缴纳失业保险费（元）" in figures


def test_confirming_the_offer_submits_one_case_with_the_offers_figures(offer, english_client, make_applicant) -> None:  # type: ignore[no-untyped-def]
    client = english_client(make_applicant(offer.enterprise))
    path = reverse("apply:offer", args=[offer.pk])
    token = token_of(client.get(path).content.decode())
    first = client.post(path, {**BANK, "token": token})
    second = client.post(path, {**BANK, "token": token})
    case = Case.objects.get()
    assert first["Location"] == second["Location"] == reverse("apply:confirmation", args=[case.pk])
    assert case.state == CaseState.SUBMITTED
    assert case.answers["figures_source"] == "offer"
    assert case.answers["ui_premiums_paid_last_year"] == "48000.00"
    assert case.calculated_amount == offer.amount
    assert case.bank_account_masked.endswith("0123")
    page = client.get(reverse("apply:index")).content.decode()
    assert "You qualify for" not in page  # applied: the offer is gone from the page
    assert case.reference in page


def test_the_offer_needs_the_bank_account_and_the_declaration(offer, english_client, make_applicant) -> None:  # type: ignore[no-untyped-def]
    client = english_client(make_applicant(offer.enterprise))
    path = reverse("apply:offer", args=[offer.pk])
    response = client.post(path, {"token": token_of(client.get(path).content.decode())})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_bank_account_error"' in page and 'id="id_declaration_error"' in page
    assert not Case.objects.exists()


def test_an_unconfirmed_account_cannot_confirm_the_offer(offer, english_client, make_applicant) -> None:  # type: ignore[no-untyped-def]
    client = english_client(make_applicant(offer.enterprise, confirmed=False))
    path = reverse("apply:offer", args=[offer.pk])
    response = client.post(path, {**BANK, "token": token_of(client.get(path).content.decode())})
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_another_enterprises_offer_is_not_found(
    offer, officer, make_enterprise, english_client, make_applicant
) -> None:  # type: ignore[no-untyped-def]
    other = make_enterprise(officer, code="92654202MA7XK2B12N", county="654202")
    client = english_client(make_applicant(other, username="outsider"))
    assert client.get(reverse("apply:offer", args=[offer.pk])).status_code == 404


def test_an_enterprise_that_already_applied_is_sent_to_its_case(
    offer, submit_refund, english_client, make_applicant
) -> None:  # type: ignore[no-untyped-def]
    user = make_applicant(offer.enterprise)
    case = submit_refund(user, offer.enterprise)
    response = english_client(user).get(reverse("apply:offer", args=[offer.pk]))
    assert response["Location"] == reverse("apply:case", args=[case.pk])


def test_a_confirmed_offer_is_never_changed_by_the_nightly_run(offer, english_client, make_applicant) -> None:  # type: ignore[no-untyped-def]
    """免申即享: what the enterprise confirmed stays as it confirmed it, whatever the registry says afterwards."""
    client = english_client(make_applicant(offer.enterprise))
    path = reverse("apply:offer", args=[offer.pk])
    client.post(path, {**BANK, "token": token_of(client.get(path).content.decode())})
    confirmed = RefundOffer.objects.get(pk=offer.pk)
    assert confirmed.confirmed_at is not None
    assert AuditEvent.objects.filter(action="refund_offer.confirm", target_id=str(offer.pk)).exists()
    InsuranceYear.objects.filter(enterprise=offer.enterprise).update(
        ui_premiums_paid=Decimal("1000.00"), ui_months_paid_in_full=3
    )
    run = refund_offers_compute(year=2019, as_of=date(2019, 4, 1), recompute=True)
    assert (run.confirmed, run.computed, run.updated) == (1, 0, 0)
    InsuranceYear.objects.filter(enterprise=offer.enterprise).delete()
    assert refund_offers_compute(year=2019, as_of=date(2019, 4, 2)).deleted == 0
    after = RefundOffer.objects.get(pk=offer.pk)
    assert (after.eligible, after.amount, after.reasons, after.changed_at, after.fingerprint) == (
        True,
        Decimal("24000.00"),
        confirmed.reasons,
        confirmed.changed_at,
        confirmed.fingerprint,
    )


def test_a_withdrawn_offer_is_gone_from_the_enterprises_pages(offer, english_client, make_applicant) -> None:  # type: ignore[no-untyped-def]
    """（一） 上年度未裁员或裁员率低于统筹地区城镇登记失业率: the registry now shows layoffs at the rate or above,
    so the offer is withdrawn: no longer on "my applications", and its page is not found."""
    client = english_client(make_applicant(offer.enterprise))
    assert "You qualify for" in client.get(reverse("apply:index")).content.decode()
    InsuranceYear.objects.filter(enterprise=offer.enterprise).update(insured_at_end=30)
    assert refund_offers_compute(year=2019, as_of=date(2019, 4, 1)).withdrawn == 1
    assert "You qualify for" not in client.get(reverse("apply:index")).content.decode()
    assert client.get(reverse("apply:offer", args=[offer.pk])).status_code == 404
    assert not Case.objects.exists()


def test_offers_confirmed_before_the_fingerprint_migration_are_marked_confirmed_by_it(  # type: ignore[no-untyped-def]
    offer, english_client, make_applicant
) -> None:
    client = english_client(make_applicant(offer.enterprise))
    path = reverse("apply:offer", args=[offer.pk])
    client.post(path, {**BANK, "token": token_of(client.get(path).content.decode())})
    RefundOffer.objects.update(confirmed_at=None)  # as it was before migration 0019
    migration = importlib.import_module("subsidies.migrations.0019_refund_offer_fingerprint")
    migration.confirmed_from_cases(apps, None)
    assert RefundOffer.objects.get(pk=offer.pk).confirmed_at == Case.objects.get().submitted_at
