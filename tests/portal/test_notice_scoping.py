"""Issue 13, point 6: another county's objectors. caseworker_wusu (乌苏市) opened a 塔城市 list in the workbench and
read every objection with the objector's name and full phone. Now a county's list is the county's (and the
prefecture's), and an objector's contact is shown only to the office that decides the objected case."""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal.roles import Role
from subsidies.cases import publication
from subsidies.models import Case, NoticeListKind, Objection

pytestmark = pytest.mark.django_db

PHONE = "13800001234"


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def approved(applicant, officer, caseworker, make_enterprise, submit_refund, claim_and_approve) -> Case:
    return claim_and_approve(submit_refund(applicant, make_enterprise(officer)), caseworker)


def _publish(officer, case: Case, *, county):
    notice = publication.notice_publish(
        kind=NoticeListKind.REFUND_APPROVALS,
        county=county,
        title="2019年稳岗返还拟发放名单公示",
        starts_on=timezone.localdate(),
        actor=officer,
    )
    entry = notice.entries.get(case=case)
    publication.objection_submit(notice=notice, entry=entry, name="张三丰", contact=PHONE, text="该企业去年有裁员")
    return notice


def test_another_countys_caseworker_cannot_open_a_county_list(client_for, caseworker_wusu, officer, approved) -> None:
    notice = _publish(officer, approved, county=approved.county)
    client = client_for(caseworker_wusu)
    assert client.get(f"/workbench/notices/{notice.pk}/").status_code == 404
    page = client.get("/workbench/notices/").content.decode()
    assert notice.title not in page
    assert PHONE not in page


def test_the_countys_caseworker_sees_the_objector(client_for, caseworker, officer, approved) -> None:
    notice = _publish(officer, approved, county=approved.county)
    page = client_for(caseworker).get(f"/workbench/notices/{notice.pk}/").content.decode()
    assert PHONE in page and "张三丰" in page


def test_on_a_prefecture_list_another_countys_objector_is_masked(
    client_for, caseworker, caseworker_wusu, officer, auditor, approved
) -> None:
    notice = _publish(officer, approved, county=None)
    page = client_for(caseworker_wusu).get(f"/workbench/notices/{notice.pk}/").content.decode()
    assert "该企业去年有裁员" in page  # the objection itself is no secret
    assert PHONE not in page and "张三丰" not in page
    assert "138****1234" in page and "张*丰" in page
    assert PHONE not in client_for(auditor).get(f"/workbench/notices/{notice.pk}/").content.decode()
    assert PHONE in client_for(caseworker).get(f"/workbench/notices/{notice.pk}/").content.decode()
    assert PHONE in client_for(officer).get(f"/workbench/notices/{notice.pk}/").content.decode()


def test_another_countys_caseworker_cannot_resolve_the_objection(client_for, caseworker_wusu, officer, approved):
    notice = _publish(officer, approved, county=None)
    objection = Objection.objects.get(notice=notice)
    response = client_for(caseworker_wusu).post(
        f"/workbench/objections/{objection.pk}/resolve/",
        {f"o{objection.pk}-outcome": "dismissed", f"o{objection.pk}-reason": "核实无裁员"},
    )
    assert response.status_code == 404
    objection.refresh_from_db()
    assert objection.state == "open"
