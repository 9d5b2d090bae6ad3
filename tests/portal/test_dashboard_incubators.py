"""Incubators, clause （四）: the targets as data, officers recording, target vs actual on the dashboard."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from registry.audit import audit_trail
from subsidies.measures import m04_incubators
from subsidies.models import Incubator, IncubatorTarget, IncubatorTenant

pytestmark = pytest.mark.django_db


def test_the_targets_of_clause_four_are_seeded_as_data():
    counts = {(t.kind, t.level): t.target for t in IncubatorTarget.objects.filter(goal="")}
    assert counts[("maker_space", "national")] == 2
    assert counts[("tech_incubator", "county")] == 6
    assert counts[("star_space", "prefecture")] == 6
    assert sum(counts.values()) == 2 + 4 + 6 + 7 + 1 + 4 + 5 + 6 + 3 + 5 + 7 + 3 + 6 + 7 + 1
    goals = {t.goal: t.target for t in IncubatorTarget.objects.exclude(goal="")}
    assert goals == {
        "jobs": 600,
        "agricultural_firms": 50,
        "rural_leaders": 150,
        "mentors": 50,
        "agricultural_talent": 100,  # （四） 聚集涉农科技创新创业人才 100 人以上
    }
    assert {t.deadline for t in IncubatorTarget.objects.all()} == {date(2020, 12, 31)}


def test_it_lets_an_officer_record_an_incubator_and_a_tenant_and_counts_them(client_for, officer, county):
    client = client_for(officer)
    response = client.post(
        reverse("workbench:add-incubator"),
        {
            "name": "塔城市众创空间",
            "kind": "maker_space",
            "level": "prefecture",
            "county": county("654201").pk,
            "recognised_on": "2019-05-01",
            "recognised_by": "地区科技局",
            "mentors": "12",
        },
    )
    incubator = Incubator.objects.get()
    assert response.status_code == 302
    assert audit_trail(incubator).get().action == "incubator.record"
    response = client.post(
        reverse("workbench:add-incubator-tenant", args=[incubator.pk]),
        {
            "name": "塔城绿源合作社",
            "agricultural": "on",
            "entered_on": "2019-06-01",
            "jobs_created": "35",
            "rural_leaders": "4",
            "agricultural_talent": "9",
        },
    )
    assert response.status_code == 302
    assert IncubatorTenant.objects.get().jobs_created == 35
    progress = m04_incubators.progress(today=date(2019, 7, 1))
    assert {line.key: line.actual for line in progress.goals} == {
        "jobs": 35,
        "agricultural_firms": 1,
        "rural_leaders": 4,
        "mentors": 12,
        "agricultural_talent": 9,
    }
    counts = {line.key: (line.target, line.actual) for line in progress.counts}
    assert counts["maker_space/prefecture"] == (6, 1)
    assert counts["maker_space/county"] == (7, 0)
    html = client.get(reverse("workbench:dashboard")).content.decode()
    assert 'id="table-incubator_goals"' in html
    assert "<td>600</td><td>35</td>" in html


def test_it_refuses_bad_input_at_the_field_and_changes_nothing(client_for, officer, county):
    response = client_for(officer).post(
        reverse("workbench:add-incubator"),
        {
            "name": "",
            "kind": "maker_space",
            "level": "county",
            "county": county("654201").pk,
            "recognised_on": "2999-01-01",
            "mentors": "-1",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_recognised_on_error"' in html and 'id="id_mentors_error"' in html
    assert not Incubator.objects.exists()


def test_caseworkers_and_auditors_read_but_cannot_record(client_for, caseworker, auditor, county):
    for user in (caseworker, auditor):
        client = client_for(user)
        assert client.get(reverse("workbench:incubators")).status_code == 200
        response = client.post(
            reverse("workbench:add-incubator"),
            {
                "name": "x",
                "kind": "maker_space",
                "level": "county",
                "county": county("654201").pk,
                "recognised_on": "2019-01-01",
                "mentors": "0",
            },
        )
        assert response.status_code == 403
    assert not Incubator.objects.exists()


def test_四_agricultural_talent_target_of_100_is_tracked_against_the_tenants(officer, county):
    """（四） 聚集涉农科技创新创业人才 100 人以上: a goal of its own, counted from what the incubators record."""
    incubator = m04_incubators.incubator_record(
        name="额敏县星创天地",
        kind="star_space",
        level="county",
        county=county("654221"),
        recognised_on=date(2019, 5, 1),
        actor=officer,
    )
    m04_incubators.tenant_record(
        incubator=incubator, name="额敏县农技合作社", entered_on=date(2019, 6, 1), agricultural_talent=12, actor=officer
    )
    goal = next(
        line for line in m04_incubators.progress(today=date(2019, 7, 1)).goals if line.key == "agricultural_talent"
    )
    assert (goal.target, goal.actual, goal.deadline) == (100, 12, date(2020, 12, 31))
