"""Knowing a (public) credit code does not open an enterprise's file: joining one in the registry needs approval."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import EnterpriseMembership, User
from portal.roles import Role
from registry.models import County
from subsidies.measures.m01_stable_job_refund import refund_offers_compute
from subsidies.models import RefundOffer

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/enterprise/"


def form(**overrides: str) -> dict[str, str]:
    data = {
        "credit_code": "91654201312345673Q",
        "enterprise_name": "塔城测试企业有限公司",
        "contact_name": "王芳",
        "phone": "13912345678",
        "email": "wang.fang@example.com",
        "password1": "Tacheng-Employment-2019",
        "password2": "Tacheng-Employment-2019",
        "county": "",
        "size_class": "",
    }
    data.update(overrides)
    return data


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_sign_up_for_an_imported_enterprise_waits_and_sees_nothing_of_it(officer, make_enterprise) -> None:
    ent = make_enterprise(officer)
    refund_offers_compute(year=2019)
    assert RefundOffer.objects.filter(enterprise=ent, eligible=True).exists()
    assert Client().post(SIGNUP, form()).status_code == 302
    membership = EnterpriseMembership.objects.get()
    assert membership.approved_at is None
    page = signed_in("wang.fang@example.com").get("/apply/").content.decode()
    assert "须由已代表该企业的同事或塔城市公共就业服务机构批准" in page
    assert "24000.00" not in page  # the offer stays hidden
    offer = RefundOffer.objects.get(enterprise=ent)
    assert signed_in("wang.fang@example.com").get(reverse("apply:offer", args=[offer.pk])).status_code == 404


def test_a_new_enterprise_belongs_to_the_account_that_registers_it() -> None:
    emin = str(County.objects.get(code="654221").pk)
    Client().post(SIGNUP, form(credit_code="93654221076543212B", county=emin, size_class="small"))
    assert EnterpriseMembership.objects.get().approved_at is not None


def test_a_colleague_approves_a_second_staff_member(officer, make_user, make_enterprise) -> None:
    ent = make_enterprise(officer)
    first = make_user(Role.ENTERPRISE_APPLICANT, username="first")
    EnterpriseMembership.objects.create(user=first, enterprise=ent)  # approved (e.g. by the county office)
    Client().post(SIGNUP, form())
    pending = EnterpriseMembership.objects.get(approved_at__isnull=True)
    colleague = Client()
    colleague.force_login(first)
    assert "王芳" in colleague.get("/apply/").content.decode()
    colleague.post(reverse("apply:decide-membership", args=[pending.pk]), {"decision": "approve"})
    pending.refresh_from_db()
    assert pending.approved_at is not None and pending.approved_by == first


def test_someone_of_another_enterprise_cannot_approve(officer, make_user, make_enterprise) -> None:
    make_enterprise(officer)
    other = make_enterprise(officer, code="92654202MA7XK2B12N", county="654202")
    stranger = make_user(Role.ENTERPRISE_APPLICANT, username="stranger")
    EnterpriseMembership.objects.create(user=stranger, enterprise=other)
    Client().post(SIGNUP, form())
    pending = EnterpriseMembership.objects.get(approved_at__isnull=True)
    client = Client()
    client.force_login(stranger)
    assert (
        client.post(reverse("apply:decide-membership", args=[pending.pk]), {"decision": "approve"}).status_code == 404
    )
    pending.refresh_from_db()
    assert pending.approved_at is None


def test_the_county_caseworker_approves_from_the_real_name_file(
    officer, caseworker, caseworker_wusu, client_for, make_enterprise
) -> None:
    ent = make_enterprise(officer)
    Client().post(SIGNUP, form())
    pending = EnterpriseMembership.objects.get()
    url = reverse("workbench:decide-membership", args=[pending.pk])
    assert client_for(caseworker_wusu).post(url, {"decision": "approve"}).status_code == 404
    page = client_for(caseworker).get(reverse("workbench:registry-enterprise", args=[ent.pk])).content.decode()
    assert "等待批准" in page
    client_for(caseworker).post(url, {"decision": "approve"})
    pending.refresh_from_db()
    assert pending.approved_by == caseworker


def test_a_request_can_be_turned_down(officer, caseworker, client_for, make_enterprise) -> None:
    make_enterprise(officer)
    Client().post(SIGNUP, form())
    pending = EnterpriseMembership.objects.get()
    client_for(caseworker).post(reverse("workbench:decide-membership", args=[pending.pk]), {"decision": "refuse"})
    assert not EnterpriseMembership.objects.exists()
