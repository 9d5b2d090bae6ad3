"""Back office: a parameter change above the threshold waits for a second officer, who confirms or withdraws it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from portal.roles import Role
from registry.models import AuditEvent
from subsidies.models import ParameterChange, ParameterChangeState
from subsidies.parameters import value_in_force
from subsidies.services import parameter_add

pytestmark = pytest.mark.django_db

MONTHS = "stable_job_refund.min_ui_months"
RATIO = "stable_job_refund.ratio"
NEW = {"value": "13", "valid_from": "2019-07-01", "source": "塔行发〔2019〕16号（一）"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def second_officer(make_user):
    return make_user(Role.PREFECTURE_OFFICER)


@pytest.fixture
def proposal(client_for, officer, two_open_refunds) -> ParameterChange:
    response = client_for(officer).post(reverse("workbench:add-parameter", args=[MONTHS]), NEW, **EN)
    change = ParameterChange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:parameter-change", args=[change.pk])
    return change


def test_a_change_above_the_threshold_waits_and_is_shown_on_the_parameter_and_the_list(client_for, officer, proposal):
    client = client_for(officer)
    assert value_in_force(MONTHS, on=date(2019, 7, 1)) == 12
    page = client.get(reverse("workbench:parameter", args=[MONTHS]), **EN).content.decode()
    assert "Waiting for a second officer" in page
    assert reverse("workbench:parameter-change", args=[proposal.pk]) in page
    listing = client.get(reverse("workbench:parameters"), **EN).content.decode()
    assert "A new value is waiting for a second officer" in listing
    review = client.get(reverse("workbench:parameter-change", args=[proposal.pk]), **EN).content.decode()
    assert "You proposed this change: another officer must confirm it." in review
    assert 'id="impact-eligibility">2<' in review


def test_a_change_below_the_threshold_is_saved_at_once(client_for, officer, two_open_refunds):
    response = client_for(officer).post(reverse("workbench:add-parameter", args=[RATIO]), {**NEW, "value": "0.60"})
    assert response.status_code == 302
    assert value_in_force(RATIO, on=date(2019, 7, 1)) == value_in_force(RATIO, on=date(2020, 1, 1))
    assert not ParameterChange.objects.exists()


def test_the_proposer_is_refused_in_their_language(client_for, officer, proposal):
    url = reverse("workbench:confirm-parameter-change", args=[proposal.pk])
    response = client_for(officer).post(url, **EN)
    assert response.status_code == 400
    assert "another officer must confirm it" in response.content.decode()
    response = client_for(officer).post(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert 'id="proposal-error"' in response.content.decode()
    assert "another officer" not in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == ParameterChangeState.PENDING


def test_a_second_officer_confirms_and_the_value_is_in_force(client_for, second_officer, proposal):
    client = client_for(second_officer)
    review = client.get(reverse("workbench:parameter-change", args=[proposal.pk]), **EN).content.decode()
    assert "Confirm the change" in review
    response = client.post(reverse("workbench:confirm-parameter-change", args=[proposal.pk]))
    assert response.status_code == 302
    assert value_in_force(MONTHS, on=date(2019, 7, 1)) == 13
    proposal.refresh_from_db()
    assert proposal.state == ParameterChangeState.CONFIRMED
    assert AuditEvent.objects.filter(action="parameter_change.propose").count() == 1
    assert AuditEvent.objects.get(action="parameter.add").after["impact"]["eligibility_changed"] == 2
    again = client.post(reverse("workbench:confirm-parameter-change", args=[proposal.pk]), **EN)
    assert again.status_code == 400
    assert "no longer waiting" in again.content.decode()


def test_a_proposal_overtaken_by_a_later_value_is_refused_on_the_page(client_for, officer, second_officer, proposal):
    parameter_add(key=MONTHS, value="12", valid_from=date(2019, 9, 1), source="test", actor=officer)
    response = client_for(second_officer).post(reverse("workbench:confirm-parameter-change", args=[proposal.pk]), **EN)
    assert response.status_code == 400
    assert "2019-09-01" in response.content.decode()
    assert value_in_force(MONTHS, on=date(2019, 8, 1)) == 12


def test_withdrawing_needs_a_reason_next_to_the_field(client_for, second_officer, proposal):
    client = client_for(second_officer)
    url = reverse("workbench:withdraw-parameter-change", args=[proposal.pk])
    response = client.post(url, {"reason": ""}, **EN)
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    response = client.post(url, {"reason": "wrong document"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.close_reason) == ("withdrawn", "wrong document")
    assert value_in_force(MONTHS, on=date(2019, 7, 1)) == 12


def test_caseworkers_and_auditors_cannot_review_confirm_or_withdraw(client_for, caseworker, auditor, proposal):
    for user in (caseworker, auditor):
        client = client_for(user)
        assert client.get(reverse("workbench:parameter-change", args=[proposal.pk])).status_code == 403
        assert client.post(reverse("workbench:confirm-parameter-change", args=[proposal.pk])).status_code == 403
        withdraw = reverse("workbench:withdraw-parameter-change", args=[proposal.pk])
        assert client.post(withdraw, {"reason": "x"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == ParameterChangeState.PENDING


def test_an_unknown_proposal_is_404_and_a_get_on_confirm_is_refused(client_for, officer):
    client = client_for(officer)
    assert client.get(reverse("workbench:parameter-change", args=[999999])).status_code == 404
    assert client.get(reverse("workbench:confirm-parameter-change", args=[999999])).status_code == 405
