"""The case workbench: queue, keyset pages, filters, export, claiming, the review page and its decisions, scoping."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.roles import Role
from portal.views.workbench.cases import ACTION_WORDS
from subsidies.cases import states, workflow
from subsidies.models import Case, CaseKind, CaseState
from subsidies.parameters import DEFINITIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def case(applicant, officer, make_enterprise, submit_refund) -> Case:
    """A submitted refund case of 塔城市 (654201)."""
    return submit_refund(applicant, make_enterprise(officer))


@pytest.fixture
def wusu_case(applicant, officer, make_enterprise, submit_refund) -> Case:
    return submit_refund(applicant, make_enterprise(officer, code="92654202MA7XK2B12N", county="654202"))


def _text(response) -> str:
    return response.content.decode()


# --- The queue ---------------------------------------------------------------------------------------------------


def test_it_lists_the_own_countys_submitted_cases_only(client_for, caseworker, case, wusu_case) -> None:
    page = _text(client_for(caseworker).get(reverse("workbench:cases")))
    assert case.reference in page
    assert wusu_case.reference not in page


def test_an_officer_sees_every_county_and_filters_by_county(client_for, officer, case, wusu_case, county) -> None:
    client = client_for(officer)
    everything = _text(client.get(reverse("workbench:cases")))
    assert case.reference in everything and wusu_case.reference in everything
    only_wusu = _text(client.get(reverse("workbench:cases"), {"county": county("654202").pk}))
    assert wusu_case.reference in only_wusu and case.reference not in only_wusu


def test_an_unknown_county_filter_is_reported_and_ignored(client_for, officer, case, wusu_case, county) -> None:
    client = client_for(officer)
    for bad in ("999999", "abc"):
        response = client.get(reverse("workbench:cases"), {"county": bad})
        page = _text(response)
        assert response.status_code == 200
        assert response.context["form"].errors["county"]
        assert case.reference in page and wusu_case.reference in page  # the bad filter narrows nothing
    page = _text(client.get(reverse("workbench:cases"), {"county": county("654202").pk}))
    assert f'<option value="{county("654202").pk}" selected>' in page


def test_a_caseworker_has_no_county_filter_to_escape_scoping(client_for, caseworker, case, wusu_case, county) -> None:
    response = client_for(caseworker).get(reverse("workbench:cases"), {"county": county("654202").pk})
    page = _text(response)
    assert response.status_code == 200
    assert 'name="county"' not in page  # no county to choose
    assert case.reference in page  # the own county's queue, as if the address had not asked
    assert wusu_case.reference not in page


def test_the_tabs_split_queue_my_cases_and_done(
    client_for, caseworker, case, officer, applicant, make_enterprise, submit_refund
) -> None:
    other = submit_refund(applicant, make_enterprise(officer, code="93654221076543212B", county="654201"))
    workflow.case_take(case=case, actor=caseworker)
    client = client_for(caseworker)
    queue = _text(client.get(reverse("workbench:cases")))
    mine = _text(client.get(reverse("workbench:cases"), {"tab": "mine"}))
    assert other.reference in queue and case.reference not in queue
    assert case.reference in mine and other.reference not in mine
    workflow.case_approve(case=case, actor=caseworker)
    done = _text(client.get(reverse("workbench:cases"), {"tab": "done"}))
    assert case.reference in done


def test_it_filters_by_amount_and_reports_a_bad_range(client_for, caseworker, case) -> None:
    client = client_for(caseworker)
    assert case.reference in _text(client.get(reverse("workbench:cases"), {"amount_min": "20000"}))
    assert case.reference not in _text(client.get(reverse("workbench:cases"), {"amount_min": "30000"}))
    bad = client.get(reverse("workbench:cases"), {"amount_min": "500", "amount_max": "100"})
    assert "金额上限低于下限。" in _text(bad)  # next to the field, in the default language
    assert bad.context["form"].errors["amount_max"]


def test_it_filters_by_submitted_date_and_kind(client_for, caseworker, case) -> None:
    client = client_for(caseworker)
    today = timezone.localdate()
    assert case.reference in _text(client.get(reverse("workbench:cases"), {"submitted_from": today.isoformat()}))
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert case.reference not in _text(client.get(reverse("workbench:cases"), {"submitted_from": tomorrow}))
    hardship = _text(client.get(reverse("workbench:cases"), {"kind": CaseKind.HARDSHIP_RECOGNITION}))
    assert case.reference not in hardship


def _many_cases(ent, applicant, count: int) -> list[Case]:
    now = timezone.now()
    return Case.objects.bulk_create(
        [
            Case(
                kind=CaseKind.STABLE_JOB_REFUND,
                state=CaseState.SUBMITTED,
                county=ent.county,
                enterprise=ent,
                year=1950 + n,
                reference=f"WG-654201-{1950 + n}-000001",
                calculated_amount=Decimal(1000 + (n * 37) % 11),  # ties, so the id breaks them
                created_by=applicant,
                submitted_at=now - timedelta(minutes=n % 7),  # ties again
            )
            for n in range(count)
        ]
    )


@pytest.mark.parametrize("sort", ["submitted", "-submitted", "amount", "-amount"])
def test_keyset_pages_list_every_case_once_without_counting(
    client_for, caseworker, officer, applicant, sort, make_enterprise
) -> None:
    made = _many_cases(make_enterprise(officer), applicant, 57)
    client = client_for(caseworker)
    seen: list[str] = []
    url = f"{reverse('workbench:cases')}?sort={sort}"
    pages = 0
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
        pages += 1
        seen += [c.reference for c in response.context["cases"]]
        url = response.context["next_url"]
    assert pages == 2
    assert sorted(seen) == sorted(c.reference for c in made)
    amounts = [Case.objects.get(reference=r).amount for r in seen]
    if sort == "amount":
        assert amounts == sorted(amounts)
    if sort == "-amount":
        assert amounts == sorted(amounts, reverse=True)


def test_a_malformed_cursor_shows_the_first_page(client_for, caseworker, case) -> None:
    response = client_for(caseworker).get(reverse("workbench:cases"), {"after": "nonsense"})
    assert response.status_code == 200
    assert case.reference in _text(response)


def test_the_export_holds_the_filtered_list_masked(client_for, caseworker, case, wusu_case) -> None:
    response = client_for(caseworker).get(reverse("workbench:export-cases"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content), read_only=True).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    flat = " ".join(str(v) for row in rows for v in row)
    assert case.reference in flat
    assert wusu_case.reference not in flat
    assert "6222021234567890123" not in flat  # the bank account never leaves the case page, even masked


# --- Claiming --------------------------------------------------------------------------------------------------


def test_names_in_the_queue_are_shown_as_text_never_as_markup(client_for, caseworker, make_user, case) -> None:
    """An enterprise name or a caseworker's name typed with markup reaches the queue as text, not as a script."""
    type(case.enterprise).objects.filter(pk=case.enterprise_id).update(name='<script>alert("x")</script>&Co')
    colleague = make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.ming")
    colleague.first_name = '<img src=x onerror="alert(1)">'
    colleague.save()
    queue = _text(client_for(caseworker).get(reverse("workbench:cases")))
    assert "<script>" not in queue
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;Co" in queue
    client_for(colleague).post(reverse("workbench:claim-case", args=[case.pk]))
    mine = _text(client_for(colleague).get(reverse("workbench:cases"), {"tab": "mine"}))
    assert "<script>" not in mine and "<img src=x" not in mine
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in mine


def test_claiming_is_a_post_and_the_loser_sees_who_took_it(client_for, caseworker, make_user, case) -> None:
    colleague = make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="wang.fang")
    colleague.first_name = "芳"
    colleague.last_name = "王"
    colleague.save()
    assert client_for(caseworker).get(reverse("workbench:claim-case", args=[case.pk])).status_code == 405
    client_for(colleague).post(reverse("workbench:claim-case", args=[case.pk]))
    response = client_for(caseworker).post(reverse("workbench:claim-case", args=[case.pk]), follow=True)
    page = _text(response)
    assert "王" in page and "芳" in page
    case.refresh_from_db()
    assert case.assignee == colleague


# --- The review page ------------------------------------------------------------------------------------------


def test_the_review_page_shows_answers_beside_the_registry_with_differences(client_for, caseworker, case) -> None:
    Case.objects.filter(pk=case.pk).update(answers={**case.answers, "insured_at_end": 35})
    response = client_for(caseworker).get(reverse("workbench:case", args=[case.pk]))
    assert response.status_code == 200
    rows = response.context["details"]["comparison"]
    differing = [r for r in rows if r["differs"]]
    assert len(differing) == 1 and differing[0]["answer"] == 35 and differing[0]["registry"] == 39
    assert "table-warning" in _text(response)


def test_the_review_page_shows_the_calculation_and_the_history(client_for, caseworker, case) -> None:
    workflow.case_take(case=case, actor=caseworker)
    page = _text(client_for(caseworker).get(reverse("workbench:case", args=[case.pk])))
    assert "24000.00" in page
    assert "塔行发〔2019〕16号（一）" in page
    # The parameters used, by their names.
    assert all(str(DEFINITIONS[p["key"]].label) in page for p in case.calculation["parameters"])
    assert "6222021234567890123" not in page
    history = client_for(caseworker).get(reverse("workbench:case", args=[case.pk])).context["history"]
    assert [str(e["what"]) for e in history] == [
        str(states.TRANSITIONS[name].label) if name != "start" else str(ACTION_WORDS["case_draft_start"])
        for name in ["start", "submit", "claim"]
    ]


def test_approving_with_another_amount_needs_a_reason_next_to_the_field(client_for, caseworker, case) -> None:
    workflow.case_take(case=case, actor=caseworker)
    client = client_for(caseworker)
    response = client.post(reverse("workbench:approve-case", args=[case.pk]), {"approve-amount": "20000"})
    assert response.status_code == 400
    assert response.context["approve_form"].errors["override_reason"]
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.approved_amount is None
    response = client.post(
        reverse("workbench:approve-case", args=[case.pk]),
        {"approve-amount": "20000", "approve-override_reason": "少报离职人员"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED and case.approved_amount == Decimal("20000")


def test_approving_at_the_calculated_amount(client_for, caseworker, case) -> None:
    workflow.case_take(case=case, actor=caseworker)
    client_for(caseworker).post(reverse("workbench:approve-case", args=[case.pk]), {})
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED and case.approved_amount == Decimal("24000.00")


@pytest.mark.parametrize(
    ("url", "state"), [("workbench:return-case", "returned"), ("workbench:reject-case", "rejected")]
)
def test_return_and_reject_need_a_reason(client_for, caseworker, case, url: str, state: str) -> None:
    workflow.case_take(case=case, actor=caseworker)
    client = client_for(caseworker)
    prefix = "return" if "return" in url else "reject"
    response = client.post(reverse(url, args=[case.pk]), {f"{prefix}-reason": "  "})
    assert response.status_code == 400
    assert response.context[f"{prefix}_form"].errors["reason"]
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    client.post(reverse(url, args=[case.pk]), {f"{prefix}-reason": "请补充年末参保人数"})
    case.refresh_from_db()
    assert case.state == state and case.decision_reason == "请补充年末参保人数"


def test_a_refused_decision_changes_nothing(client_for, caseworker, case) -> None:
    # Not claimed: approving is refused in words, and the case stays in the queue.
    response = client_for(caseworker).post(reverse("workbench:approve-case", args=[case.pk]), {})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_release_puts_the_case_back_in_the_queue(client_for, caseworker, case) -> None:
    workflow.case_take(case=case, actor=caseworker)
    client_for(caseworker).post(reverse("workbench:release-case", args=[case.pk]))
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED and case.assignee is None


def test_an_auditor_reads_everything_and_changes_nothing(client_for, auditor, case) -> None:
    client = client_for(auditor)
    response = client.get(reverse("workbench:case", args=[case.pk]))
    assert response.status_code == 200
    assert reverse("workbench:approve-case", args=[case.pk]) not in _text(response)
    assert reverse("workbench:claim-case", args=[case.pk]) not in _text(response)
    for name in ["claim-case", "approve-case", "return-case", "reject-case", "release-case"]:
        assert client.post(reverse(f"workbench:{name}", args=[case.pk]), {"reject-reason": "x"}).status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


# --- Scoping: every workbench URL with the owner county, another county and an enterprise applicant -------------

CASE_URLS = [
    ("get", "workbench:case"),
    ("post", "workbench:claim-case"),
    ("post", "workbench:release-case"),
    ("post", "workbench:approve-case"),
    ("post", "workbench:return-case"),
    ("post", "workbench:reject-case"),
]


@pytest.mark.parametrize(("method", "name"), CASE_URLS)
def test_case_urls_by_user(client_for, caseworker, caseworker_wusu, applicant, case, method: str, name: str) -> None:
    url = reverse(name, args=[case.pk])
    owner = getattr(client_for(caseworker), method)(url)
    assert owner.status_code in {200, 302, 400}
    assert getattr(client_for(caseworker_wusu), method)(url).status_code == 404
    assert getattr(client_for(applicant), method)(url).status_code == 403


@pytest.mark.parametrize("name", ["workbench:cases", "workbench:export-cases"])
def test_list_urls_refuse_an_enterprise_applicant(client_for, applicant, name: str) -> None:
    assert client_for(applicant).get(reverse(name)).status_code == 403


def test_a_kind_without_its_own_template_shows_its_answers_in_words(
    client_for, caseworker, applicant, officer, make_enterprise
) -> None:
    ent = make_enterprise(officer)
    recognition = workflow.case_draft_start(
        kind=CaseKind.HARDSHIP_RECOGNITION, enterprise=ent, year=2019, actor=applicant
    )
    workflow.case_draft_save(
        case=recognition, answers={"situation": "订单下降三成", "agreement": "union"}, actor=applicant
    )
    recognition = workflow.case_submit(case=recognition, token=uuid.uuid4(), actor=applicant)
    page = _text(client_for(caseworker).get(reverse("workbench:case", args=[recognition.pk])))
    assert "订单下降三成" in page
    assert "是，已与工会协商" in page  # the answer in words, not its code
    assert recognition.reference in _text(client_for(caseworker).get(reverse("workbench:cases")))


def test_the_review_page_speaks_in_words_never_in_internal_keys(client_for, caseworker, case) -> None:
    """A case confirmed from a 免申即享 offer: the caseworker reads labels, Tacheng time and parameter names, not
    `offer_amount`, `stable_job_refund.ratio` or a UTC ISO timestamp (the page is in Chinese by default)."""
    Case.objects.filter(pk=case.pk).update(
        answers={
            **case.answers,
            "offer": 7,
            "offer_amount": "24000.00",
            "declared_at": "2026-12-01T22:19:13.952798+00:00",
            "some_future_key": "x",
        }
    )
    page = client_for(caseworker).get(reverse("workbench:case", args=[case.pk])).content.decode()
    for internal in (
        "offer_amount",
        "offer amount",
        "declared_at",
        "declared at",
        "some future key",
        "stable_job_refund.ratio",
        "+00:00",
        "2026-12-01T22:19",
    ):
        assert internal not in page, internal
    assert "来自免申即享返还通知" in page and "通知返还金额（元）" in page
    assert "2026-12-02 06:19" in page  # 22:19 UTC is 06:19 the next morning in Tacheng
