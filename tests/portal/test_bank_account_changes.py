"""Issue 13, point 3 (last part): a change of the bank account a case pays into is audited, masked, and shown to the
caseworker on the case page; the full number never appears."""

from __future__ import annotations

import pytest

from portal.roles import Role
from registry.audit import audit_trail
from subsidies.cases import workflow
from subsidies.models import CaseKind

pytestmark = pytest.mark.django_db

FIRST = "6222021234567890123"
SECOND = "6217000099998887776"


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


def test_a_changed_bank_account_is_in_the_history_and_flagged(
    applicant, officer, caseworker, make_enterprise, submit_refund, client_for
) -> None:
    case = submit_refund(applicant, make_enterprise(officer))  # first account given while drafting
    workflow.case_return(
        case=workflow.case_take(case=case, actor=caseworker), reason="请补充12月缴费凭证", actor=caseworker
    )
    workflow.case_draft_save(case=case, answers={}, actor=applicant, bank_account=SECOND)
    events = audit_trail(case).filter(action="case_bank_account_change").order_by("id")
    assert [(e.before["bank_account"], e.after["bank_account"]) for e in events] == [
        ("***************0123", "***************7776"),
    ]
    assert all(e.actor == applicant for e in events)
    page = client_for(caseworker).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert 'data-testid="bank-changed"' in page
    assert "***************0123 → ***************7776" in page
    assert FIRST not in page and SECOND not in page


def test_saving_the_same_account_again_writes_nothing(applicant, officer, make_enterprise) -> None:
    ent = make_enterprise(officer)
    case = workflow.case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=ent, year=2019, actor=applicant)
    workflow.case_draft_save(case=case, answers={}, actor=applicant, bank_account=FIRST)
    workflow.case_draft_save(case=case, answers={}, actor=applicant, bank_account=FIRST)
    assert not audit_trail(case).filter(action="case_bank_account_change").exists()  # given, not changed
    workflow.case_draft_save(case=case, answers={}, actor=applicant, bank_account=SECOND)
    assert audit_trail(case).filter(action="case_bank_account_change").count() == 1
