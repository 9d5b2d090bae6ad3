"""Clause （十四）, funds supervised: a parameter change moving more than the threshold needs a second officer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from portal.roles import Role
from registry.audit import audit_trail
from registry.models import AuditEvent
from registry.refusals import Refused
from subsidies.impact import parameter_change_impact
from subsidies.models import Parameter, ParameterChange, ParameterChangeState
from subsidies.parameters import value_in_force
from subsidies.services import (
    parameter_add,
    parameter_change_confirm,
    parameter_change_reasons,
    parameter_change_save,
    parameter_change_withdraw,
)

pytestmark = pytest.mark.django_db

RATIO = "stable_job_refund.ratio"
MONTHS = "stable_job_refund.min_ui_months"
SOURCE = "塔行发〔2019〕16号（一）"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def second_officer(make_user):
    return make_user(Role.PREFECTURE_OFFICER)


def _save(actor, key=RATIO, value="0.60", valid_from=date(2019, 7, 1)):  # type: ignore[no-untyped-def]
    return parameter_change_save(key=key, value=value, valid_from=valid_from, source=SOURCE, actor=actor)


def test_it_saves_a_change_below_the_threshold_at_once(officer, two_open_refunds):
    saved = _save(officer)  # moves 4800 + 4800 = 9600.00 yuan, no eligibility: below 100000.00
    assert isinstance(saved, Parameter)
    assert value_in_force(RATIO, on=date(2019, 7, 1)) == Decimal("0.60")
    row = AuditEvent.objects.get(action="parameter.add")
    assert row.after["impact"]["absolute_difference"] == "9600.00"
    assert row.after["impact"]["needs_confirmation"] == []
    assert not ParameterChange.objects.exists()


def test_it_keeps_a_change_of_eligibility_as_a_proposal_and_changes_nothing_in_force(officer, two_open_refunds):
    before = list(Parameter.objects.filter(key=MONTHS).values_list("pk", "valid_to"))
    saved = _save(officer, key=MONTHS, value="13")  # both cases become ineligible
    assert isinstance(saved, ParameterChange)
    assert saved.state == ParameterChangeState.PENDING
    assert saved.impact["eligibility_changed"] == 2
    assert len(saved.impact["needs_confirmation"]) == 1
    assert list(Parameter.objects.filter(key=MONTHS).values_list("pk", "valid_to")) == before
    assert value_in_force(MONTHS, on=date(2019, 7, 1)) == 12
    assert audit_trail(saved).get().action == "parameter_change.propose"
    assert not AuditEvent.objects.filter(action="parameter.add").exists()


def test_it_keeps_a_change_moving_more_money_than_the_threshold_as_a_proposal(officer, two_open_refunds):
    parameter_add(
        key="parameter_change.confirmation_threshold_yuan",
        value="5000.00",
        valid_from=date(2020, 1, 1),
        source="test",
        actor=officer,
    )
    saved = _save(officer)  # moves 9600.00 > 5000.00
    assert isinstance(saved, ParameterChange)
    assert "9600.00" in saved.impact["needs_confirmation"][0]


def test_money_moved_counts_differences_without_their_sign(officer, two_open_refunds):
    impact = parameter_change_impact(key=RATIO, value="0.40", valid_from=date(2019, 7, 1))
    assert impact.total_difference == Decimal("-9600.00")
    assert parameter_change_reasons(key=RATIO, impact=impact) == []  # 9600.00 <= 100000.00
    parameter_add(
        key="parameter_change.confirmation_threshold_yuan",
        value="9599.99",
        valid_from=date(2020, 1, 1),
        source="test",
        actor=officer,
    )
    assert len(parameter_change_reasons(key=RATIO, impact=impact)) == 1


def test_a_change_of_the_thresholds_always_needs_a_second_officer(officer):
    saved = _save(
        officer, key="parameter_change.confirmation_threshold_yuan", value="999999999.00", valid_from=date(2020, 1, 1)
    )
    assert isinstance(saved, ParameterChange)


def test_the_proposer_cannot_confirm_their_own_proposal(officer, two_open_refunds):
    change = _save(officer, key=MONTHS, value="13")
    with pytest.raises(Refused, match="another officer must confirm"):
        parameter_change_confirm(change=change, actor=officer)
    change.refresh_from_db()
    assert change.state == ParameterChangeState.PENDING
    assert value_in_force(MONTHS, on=date(2019, 7, 1)) == 12


def test_a_second_officer_confirms_with_the_impact_recomputed_and_both_steps_audited(
    officer, second_officer, two_open_refunds
):
    change = _save(officer, key=MONTHS, value="13")
    # The cases move after the proposal: one is decided, so it is no longer open.
    two_open_refunds["small"].state = "approved"
    two_open_refunds["small"].save(update_fields=["state"])
    parameter = parameter_change_confirm(change=change, actor=second_officer)
    assert value_in_force(MONTHS, on=date(2019, 7, 1)) == 13
    assert value_in_force(MONTHS, on=date(2019, 6, 30)) == 12
    change.refresh_from_db()
    assert (change.state, change.confirmed_by, change.parameter) == ("confirmed", second_officer, parameter)
    add = AuditEvent.objects.get(action="parameter.add", target_id=str(parameter.pk))
    assert add.actor == second_officer
    assert add.after["impact"]["eligibility_changed"] == 1  # recomputed at confirmation
    assert add.after["confirmation"]["proposed_by"] == officer.pk
    assert add.after["confirmation"]["impact_when_proposed"]["eligibility_changed"] == 2
    assert [(e.action, e.actor) for e in audit_trail(change).order_by("pk")] == [
        ("parameter_change.propose", officer),
        ("parameter_change.confirm", second_officer),
    ]


def test_a_proposal_overtaken_by_a_later_value_is_refused_at_confirmation(officer, second_officer, two_open_refunds):
    change = _save(officer, key=MONTHS, value="13")
    parameter_add(key=MONTHS, value="12", valid_from=date(2019, 9, 1), source="test", actor=second_officer)
    with pytest.raises(Refused, match="2019-09-01"):
        parameter_change_confirm(change=change, actor=second_officer)
    change.refresh_from_db()
    assert change.state == ParameterChangeState.PENDING
    assert not AuditEvent.objects.filter(action="parameter_change.confirm").exists()


def test_a_withdrawn_proposal_says_why_and_cannot_be_confirmed(officer, second_officer, two_open_refunds):
    change = _save(officer, key=MONTHS, value="13")
    with pytest.raises(Refused):
        parameter_change_withdraw(change=change, reason="  ", actor=second_officer)
    parameter_change_withdraw(change=change, reason="wrong document", actor=second_officer)
    change.refresh_from_db()
    assert (change.state, change.close_reason) == ("withdrawn", "wrong document")
    assert AuditEvent.objects.get(action="parameter_change.withdraw").reason == "wrong document"
    with pytest.raises(Refused, match="no longer waiting"):
        parameter_change_confirm(change=change, actor=second_officer)
    assert value_in_force(MONTHS, on=date(2019, 7, 1)) == 12


def test_a_newer_proposal_supersedes_the_waiting_one(officer, second_officer, two_open_refunds):
    first = _save(officer, key=MONTHS, value="13")
    second = _save(second_officer, key=MONTHS, value="14", valid_from=date(2019, 8, 1))
    first.refresh_from_db()
    assert first.state == ParameterChangeState.SUPERSEDED
    assert second.state == ParameterChangeState.PENDING
    assert ParameterChange.objects.filter(key=MONTHS, state="pending").get() == second
