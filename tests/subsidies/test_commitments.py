"""告知承诺制 (证明事项告知承诺制, 国办发〔2020〕42号; the plan's 精简证明, （十四）): a commitment instead of a
certificate, the reproducible post-check sample at the dated rate, and what a false commitment does."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.roles import Role
from registry.audit import audit_trail
from registry.models import AuditEvent
from registry.refusals import Refused
from subsidies import commitments
from subsidies.measures.m09_registration import registration_submit
from subsidies.models import (
    CaseState,
    Commitment,
    CommitmentBan,
    CommitmentCheck,
    CommitmentCheckState,
    CommitmentDraw,
    CommitmentItem,
    Notification,
    NotificationEvent,
    Recovery,
)
from subsidies.services import parameter_add

pytestmark = pytest.mark.django_db

SEED = "2026-12-01"


@pytest.fixture(autouse=True)
def _fixed_key(settings):
    # The draw is keyed by the portal's secret: fixed here, so the figures below are the same on every run.
    settings.SECRET_KEY = "test-commitments-sample-key-0123456789-abcdefghij"


def _rate(value: str, officer) -> None:  # type: ignore[no-untyped-def]
    parameter_add(
        key="commitment.sample_rate",
        value=value,
        valid_from=date(2020, 1, 1),
        source="test",
        actor=officer,
    )


def test_the_same_reference_and_seed_always_give_the_same_score() -> None:
    first = commitments.sample_score(reference="SY-654202-2026-000001", seed=SEED)
    assert first == commitments.sample_score(reference="SY-654202-2026-000001", seed=SEED)
    assert Decimal(0) <= first < Decimal(1)
    assert first != commitments.sample_score(reference="SY-654202-2026-000002", seed=SEED)
    assert first != commitments.sample_score(reference="SY-654202-2026-000001", seed="2026-12-02")


def test_the_sample_is_drawn_at_the_rate_over_many_cases() -> None:
    """2,000 references at 10 %: 200 expected, standard deviation about 13.4; 4.5 of them either side."""
    rate = Decimal("0.10")
    drawn = sum(commitments.sample_score(reference=f"SY-654202-2026-{n:06d}", seed=SEED) < rate for n in range(1, 2001))
    assert 140 <= drawn <= 260, drawn


def test_a_decided_case_is_drawn_once_with_its_inputs_kept_and_audited(
    make_resident_user, make_person, submit_registration, caseworker_wusu, claim_and_approve
) -> None:
    user = make_resident_user(make_person(area="654201", county="654202"))
    case = submit_registration(user)
    Commitment.objects.create(
        case=case,
        purpose="residence",
        text_version=commitments.TEXT_VERSION,
        text_sha256="0" * 64,
        signed_name="古丽娜尔·艾力",
        signed_at=timezone.now(),
        signed_by=user,
    )
    case = claim_and_approve(case, caseworker_wusu)
    draw = commitments.commitment_draw(case=case)
    assert draw is not None
    assert draw.seed == timezone.localdate(case.decided_at).isoformat()
    assert draw.score == commitments.sample_score(reference=case.reference, seed=draw.seed)
    assert draw.rate == Decimal("0.10")  # the seeded sample rate
    assert draw.sampled == (draw.score < draw.rate)
    assert commitments.commitment_draw(case=case).pk == draw.pk  # again: the same draw
    assert commitments.commitment_draws_due() == 0  # the daily task finds nothing left to draw
    assert CommitmentDraw.objects.filter(case=case).count() == 1
    row = audit_trail(case).get(action="commitment_draw")
    assert (row.after["seed"], row.after["score"], row.after["sampled"]) == (draw.seed, str(draw.score), draw.sampled)


def test_a_case_without_commitments_is_not_drawn(
    make_resident_user, make_person, submit_registration, caseworker_wusu, claim_and_approve
) -> None:
    case = claim_and_approve(submit_registration(make_resident_user(make_person())), caseworker_wusu)
    assert commitments.commitment_draw(case=case) is None
    assert commitments.commitment_draws_due() == 0


def test_a_false_commitment_revokes_the_decision_records_the_amount_and_bans_the_enterprise(
    make_user, caseworker, caseworker_wusu, officer, approve_refund
) -> None:
    _rate("1", officer)  # every case drawn
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    case = approve_refund(applicant, caseworker, officer)
    Commitment.objects.create(
        case=case,
        purpose="documents",
        text_version=commitments.TEXT_VERSION,
        text_sha256="0" * 64,
        signed_name="王芳",
        signed_at=timezone.now(),
        signed_by=applicant,
    )
    assert commitments.commitment_draws_due() == 1
    check = CommitmentCheck.objects.get(case=case)
    assert check.state == CommitmentCheckState.PENDING and check.county_id == case.county_id
    assert check.due_on > timezone.localdate()

    # Another county's caseworker cannot record it; a reason that says nothing is refused.
    with pytest.raises(Refused):
        commitments.commitment_check_decide(
            check=check, found_false=True, note="虚假承诺，经核查不符", actor=caseworker_wusu
        )
    with pytest.raises(Refused):
        commitments.commitment_check_decide(check=check, found_false=True, note="x", actor=caseworker)

    commitments.commitment_check_decide(
        check=check, found_false=True, note="社保系统核查：缴费凭证与承诺不符", actor=caseworker
    )
    case.refresh_from_db()
    assert case.state == CaseState.REVOKED
    assert Recovery.objects.get(case=case).amount == case.approved_amount == Decimal("24000.00")
    ban = CommitmentBan.objects.get(enterprise=case.enterprise)
    assert ban.starts_on == timezone.localdate()
    assert ban.ends_on == commitments.add_months(timezone.localdate(), 12)  # the seeded ban period
    assert Notification.objects.filter(case=case, event=NotificationEvent.REVOKED).exists()
    actions = set(audit_trail(case).values_list("action", flat=True))
    assert {"commitment_draw", "case_revoke", "recovery_record", "commitment_ban"} <= actions
    assert AuditEvent.objects.filter(action="commitment_check_false", target_id=str(check.pk)).exists()
    assert audit_trail(case).get(action="case_revoke").reason == "社保系统核查：缴费凭证与承诺不符"

    # Done once: a second verdict is refused.
    with pytest.raises(Refused):
        commitments.commitment_check_decide(check=check, found_false=False, note="复核后确认属实无误", actor=caseworker)

    # While banned, the enterprise is offered no commitment, even for an item in force.
    CommitmentItem.objects.create(kind="hardship_recognition", purpose="residence", valid_from=date(2019, 1, 1))
    later = case.__class__(kind="hardship_recognition", enterprise=case.enterprise, county=case.county, year=2026)
    assert commitments.items_in_force(kind="hardship_recognition", on=timezone.localdate()) == {"residence"}
    assert commitments.offered_items(later) == []
    assert commitments.offered_items(later, on=ban.ends_on + timedelta(days=1)) == ["residence"]


def test_a_confirmed_commitment_leaves_the_decision_alone(make_user, caseworker, officer, approve_refund) -> None:
    _rate("1", officer)
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    case = approve_refund(applicant, caseworker, officer)
    Commitment.objects.create(
        case=case,
        purpose="documents",
        text_version="1",
        text_sha256="0" * 64,
        signed_name="王芳",
        signed_at=timezone.now(),
        signed_by=applicant,
    )
    commitments.commitment_draws_due()
    check = CommitmentCheck.objects.get(case=case)
    commitments.commitment_check_decide(check=check, found_false=False, note="已与社保系统核对，属实", actor=caseworker)
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert not Recovery.objects.filter(case=case).exists()
    assert not CommitmentBan.objects.exists()


def test_a_resident_signs_only_listed_items_and_not_after_submitting(
    make_resident_user, make_person, draft_registration
) -> None:
    user = make_resident_user(make_person(area="654201", county="654202"))
    case = draft_registration(user)
    assert commitments.offered_items(case) == ["residence"]
    with pytest.raises(Refused):  # not in the table for this kind
        commitments.commitment_sign(
            case=case, purpose="disabled_unemployed", signed_name="古丽娜尔·艾力", ip_address=None, actor=user
        )
    with pytest.raises(Refused):  # a name that is not the applicant's
        commitments.commitment_sign(case=case, purpose="residence", signed_name="张三", ip_address=None, actor=user)
    signed = commitments.commitment_sign(
        case=case, purpose="residence", signed_name="古丽娜尔·艾力", ip_address="10.0.0.7", actor=user
    )
    assert signed.text_version == commitments.TEXT_VERSION and signed.ip_address == "10.0.0.7"
    assert audit_trail(case).filter(action="commitment_sign").count() == 1
    submitted = registration_submit(case=case, token=uuid.uuid4(), actor=user)
    assert submitted.state == CaseState.SUBMITTED
    with pytest.raises(Refused):
        commitments.commitment_withdraw(commitment=signed, actor=user)
    assert Commitment.objects.filter(pk=signed.pk).exists()


def test_an_officer_adds_and_ends_rows_of_the_table_and_a_caseworker_cannot(caseworker, officer) -> None:
    with pytest.raises(Refused):
        commitments.commitment_item_add(
            kind="skill_upgrade",
            purpose="residence",
            valid_from=date(2027, 1, 1),
            valid_to=None,
            source="x",
            actor=caseworker,
        )
    item = commitments.commitment_item_add(
        kind="skill_upgrade",
        purpose="residence",
        valid_from=date(2027, 1, 1),
        valid_to=None,
        source="国办发〔2020〕42号",
        actor=officer,
    )
    with pytest.raises(Refused):  # overlapping the row just added
        commitments.commitment_item_add(
            kind="skill_upgrade",
            purpose="residence",
            valid_from=date(2027, 6, 1),
            valid_to=None,
            source="x",
            actor=officer,
        )
    assert commitments.items_in_force(kind="skill_upgrade", on=date(2027, 3, 1)) == {"residence"}
    commitments.commitment_item_end(item=item, valid_to=date(2027, 3, 31), actor=officer)
    assert commitments.items_in_force(kind="skill_upgrade", on=date(2027, 4, 1)) == set()
    assert set(audit_trail(item).values_list("action", flat=True)) == {"commitment_item_add", "commitment_item_end"}
