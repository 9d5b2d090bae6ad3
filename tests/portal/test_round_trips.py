"""Round trips to the database on the two busiest requests (issue 17): the caseworkers' queue and an enterprise's
submission. Each test counts the SQL statements of one request and fails when the count grows, so a lookup added to
every request, a role or parameter read twice, or a query per row of the queue shows up here before it shows in
`make bench` (bench/bench_queue.py, bench/bench_submission.py).

And what the caches must never do: keep a role that was taken away, or a policy parameter that changed (in this
process or another) or was rolled back.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portal.roles import Role
from subsidies.cases import workflow
from subsidies.measures.m01_stable_job_refund import refund_offers_compute
from subsidies.models import Case, CaseKind, CaseState, RefundOffer
from subsidies.parameters import parameter_snapshot, value_in_force
from subsidies.services import parameter_add

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# The statements of one submission POST (check page -> confirmation), as the test database runs it (transaction
# blocks are savepoints here; in production BEGIN/COMMIT take their place, one for one):
#   the request (3): session, the user with their roles, permissions, the enterprises they act for and whether
#     their email is confirmed in the same query (portal.auth), the parameters in one statement for the whole
#     request (version; the rows only when they changed);
#   the check and the submission in one transaction (9, portal.wizard and subsidies.cases.workflow.case_submit):
#     savepoint, the case locked with its enterprise in the query that checks the account may see it (and finds a
#     case the token already submitted), the insurance year (the registry's figures), the reference counter, the
#     dashboard's tally (an upsert), the case, its audit row, the notification (an insert that does nothing when
#     it was ordered already; a submission is a case's first, so no audit rows are read to number it), release.
# 12 now; 16 before the access check and the lock became one query, the memberships came with the user, the
# optional documents page stopped being asked whether it is shown, and the submission stopped reading its audit
# rows back; 23 before the notification's get_or_create (two savepoints, a read, the insert, two releases) became
# one insert, the audit rows were read once instead of twice, and the enterprise came with the locked case; 31
# before issue 17's round-trip work (a second parameter read, three more evidence checks, and the roles, the user's
# and the groups' permissions read one by one after the user). Raise it only for a statement the submission needs,
# and say which here.
SUBMIT_STATEMENTS = 12

# The statements of confirming a refund offer (免申即享), the deadline week's request: the request's own 5 (session,
# the user with roles, permissions, memberships and email confirmation, the offer, the enterprise's live case and
# the token's case in one query, the token's case again in case_from_offer) and
# subsidies.measures.m01_stable_job_refund.case_from_offer's 22: the offer locked with its enterprise and county,
# the registry's figures, a draft started (its own savepoint: the insert and its audit row) and saved (another: the
# case locked and updated), then submitted on that lock, in the offer's transaction (the figures again, the
# parameters, the reference, the tally, the case, its audit row, the notification), the offer confirmed and its
# audit row. 33 before the submission took the case locked by the draft's save, the county came with the offer,
# and the memberships with the user; 41 before the submission's notification became one insert, its audit rows
# were read once and the enterprise came with the locked case (see SUBMIT_STATEMENTS); 45 before issue 17's
# round-trip work.
OFFER_STATEMENTS = 27

# The statements of the queue's first page, whatever the number of cases: session, the user with roles and
# permissions (one query), the OTP device, the county filter's choices, the page of cases (with county,
# enterprise, person and caseworker joined). Before issue 17: 8 (groups, the user's and the groups' permissions
# read one by one after the user).
QUEUE_STATEMENTS = 5


@pytest.fixture(autouse=True)
def _default_language_afterwards():  # type: ignore[no-untyped-def]
    """The English client's requests leave English active in this thread; the next test file expects the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _statements(call) -> tuple[object, list[str]]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    return answer, [q["sql"] for q in captured.captured_queries]


def _refund_draft(applicant, ent) -> Case:  # type: ignore[no-untyped-def]
    """A complete stable-job refund draft (clause （一）), as the bench's: the registry's figures, bank, declaration."""
    case = workflow.case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=ent, year=2019, actor=applicant)
    return workflow.case_draft_save(
        case=case,
        actor=applicant,
        track="standard",
        bank_account="6222021234567890123",
        answers={
            "ui_premiums_paid_last_year": "48000.00",
            "ui_months_paid_in_full": 12,
            "insured_at_start": 40,
            "insured_at_end": 39,
            "retired_or_deceased": 1,
            "figures_source": "registry",
            "bank_name": "中国工商银行塔城分行",
            "declaration": True,
        },
    )


def _check_url(case: Case) -> str:
    return reverse("apply:check", args=["stable-job-refund", case.pk])


# --- The submission ------------------------------------------------------------------------------------------------


def test_it_submits_a_refund_within_its_statement_budget(officer, make_enterprise, applicant_for):
    ent = make_enterprise(officer)
    applicant, client = applicant_for(ent, "wang.fang")
    case = _refund_draft(applicant, ent)
    client.get(_check_url(case))  # the page the applicant reads before submitting

    response, statements = _statements(lambda: client.post(_check_url(case), {"token": str(uuid.uuid4())}))

    assert response.status_code == 302
    assert response["Location"] == reverse("apply:confirmation", args=[case.pk])
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert len(statements) <= SUBMIT_STATEMENTS, "\n".join(statements)


def test_the_submission_reads_the_parameters_once_and_not_its_optional_documents(
    officer, make_enterprise, applicant_for
):
    ent = make_enterprise(officer)
    applicant, client = applicant_for(ent, "wang.fang")
    case = _refund_draft(applicant, ent)

    _response, statements = _statements(lambda: client.post(_check_url(case), {"token": str(uuid.uuid4())}))

    assert sum("subsidies_parameter" in sql for sql in statements) == 1
    # The refund's documents page is optional (done whatever it holds): nothing to read to submit.
    assert sum('FROM "subsidies_evidence"' in sql for sql in statements) == 0
    assert sum('"auth_group"' in sql for sql in statements) == 1  # with the user: roles and permissions


# --- The queue -----------------------------------------------------------------------------------------------------


def _submitted(officer, make_enterprise, make_applicant, codes) -> None:  # type: ignore[no-untyped-def]
    for code in codes:
        ent = make_enterprise(officer, code=code, county="654201")
        applicant = make_applicant(ent, username=f"applicant-{code}")
        workflow.case_submit(case=_refund_draft(applicant, ent), token=uuid.uuid4(), actor=applicant)


def test_the_queue_page_costs_the_same_statements_for_more_cases(
    officer, caseworker, client_for, make_enterprise, make_applicant, county
):
    page = f"{reverse('workbench:cases')}?county={county('654201').pk}&state=submitted"
    client = client_for(officer)
    _submitted(officer, make_enterprise, make_applicant, ["91654201312345673Q"])
    client.get(page)
    _response, few = _statements(lambda: client.get(page))

    _submitted(officer, make_enterprise, make_applicant, ["92654202MA7XK2B12N", "93654221076543212B"])
    # One of them taken by a caseworker: the queue shows who holds it, from the same query.
    workflow.case_take(case=Case.objects.exclude(state=CaseState.DRAFT).first(), actor=caseworker)
    response, more = _statements(lambda: client.get(page))

    assert response.status_code == 200
    assert response.content.decode().count("/workbench/cases/") >= 2
    assert len(more) == len(few), "\n".join(more)
    assert len(more) <= QUEUE_STATEMENTS, "\n".join(more)


# --- What the per-request caches must never keep --------------------------------------------------------------------


def test_a_caseworker_whose_role_is_taken_away_is_refused_on_the_next_request(caseworker, client_for):
    client = client_for(caseworker)
    assert client.get(reverse("workbench:cases")).status_code == 200

    caseworker.groups.clear()

    assert client.get(reverse("workbench:cases")).status_code == 403


def test_a_parameter_change_rolled_back_is_never_used(officer):
    today = timezone.localdate()
    before = _ratio(today)  # this process now holds the parameters

    with pytest.raises(RuntimeError), transaction.atomic():
        parameter_add(key="stable_job_refund.ratio", value="0.60", valid_from=today, source="（一）", actor=officer)
        assert _ratio(today) == Decimal("0.60")  # inside its transaction, the change is seen
        raise RuntimeError("the officer's change fails after it was written")

    assert _ratio(today) == before == Decimal("0.50")


def _ratio(on: date) -> Decimal:
    with parameter_snapshot():
        return value_in_force("stable_job_refund.ratio", on=on)


# A second process: the parameter change an officer makes on another web or worker machine.
_CHANGE_IN_ANOTHER_PROCESS = """
import django
django.setup()
from django.utils import timezone, translation
from portal.models import User
from subsidies.services import parameter_add
officer = User.objects.get(pk={officer_pk})
parameter_add(key="stable_job_refund.ratio", value="0.60", valid_from=timezone.localdate(), source="（一）",
              actor=officer)
"""


@pytest.mark.django_db(transaction=True)
def test_a_parameter_change_made_in_another_process_is_used_by_the_next_request(
    make_user, make_enterprise, applicant_for
):
    officer = make_user(Role.PREFECTURE_OFFICER)
    ent = make_enterprise(officer)  # 48,000.00 of premiums in 2018
    applicant, client = applicant_for(ent, "wang.fang")
    case = _refund_draft(applicant, ent)
    assert "24,000.00" in client.get(_check_url(case)).content.decode()  # half, clause （一）

    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{connection.settings_dict['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-c", _CHANGE_IN_ANOTHER_PROCESS.format(officer_pk=officer.pk)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )

    page = client.get(_check_url(case)).content.decode()
    assert "28,800.00" in page  # 60% of 48,000.00, from the next request on
    assert "24,000.00" not in page


def test_it_confirms_an_offer_within_its_statement_budget(officer, make_enterprise, applicant_for):
    """（一） 免申即享: the deadline week's request, when most enterprises confirm their refund offer."""
    ent = make_enterprise(officer)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    offer = RefundOffer.objects.get(enterprise=ent, year=2019)
    _applicant, client = applicant_for(ent, "wang.fang")
    path = reverse("apply:offer", args=[offer.pk])
    client.get(path)
    bank = {"bank_name": "中国工商银行塔城分行", "bank_account": "6222021234567890123", "declaration": "on"}

    response, statements = _statements(lambda: client.post(path, {**bank, "token": str(uuid.uuid4())}))

    case = Case.objects.get(enterprise=ent, year=2019)
    assert response.status_code == 302
    assert response["Location"] == reverse("apply:confirmation", args=[case.pk])
    assert case.state == CaseState.SUBMITTED
    assert len(statements) <= OFFER_STATEMENTS, "\n".join(statements)
