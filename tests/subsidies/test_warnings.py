"""Early warning by grade (分级预警, clause （十二）): grades at their thresholds, registrations, the daily digest."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from portal.roles import Role
from registry.models import County, UnemploymentRegistration
from subsidies import warnings as ew
from subsidies.tasks import warnings_digest

pytestmark = pytest.mark.django_db

TODAY = date(2019, 6, 3)
CODES = ["91654201312345673Q", "92654202MA7XK2B12N", "93654221076543212B"]


@pytest.fixture
def actor(make_user):
    return make_user(Role.PREFECTURE_OFFICER)


def test_it_grades_a_fall_in_insured_headcount_at_the_thresholds_10_20_30_percent(
    actor, make_enterprise_with_headcount
):
    exactly_10 = make_enterprise_with_headcount(
        actor, CODES[0], "654201", start=100, end=90
    )  # 10%: not "more than" 10%
    just_over_20 = make_enterprise_with_headcount(actor, CODES[1], "654202", start=100, end=79)  # 21%: grade 2
    over_30 = make_enterprise_with_headcount(
        actor, CODES[2], "654221", start=100, end=60, gone=5
    )  # (100-60-5)/100 = 35%: grade 3
    year, items = ew.layoff_warnings(today=TODAY)
    assert year == 2018
    grades = {w.enterprise_id: w.grade for w in items}
    assert exactly_10.pk not in grades
    assert grades == {just_over_20.pk: 2, over_30.pk: 3}
    assert "35.0%" in next(w.reason for w in items if w.enterprise_id == over_30.pk)


def test_it_counts_retirements_out_of_the_fall_as_clause_one_does(actor, make_enterprise_with_headcount):
    ent = make_enterprise_with_headcount(
        actor, CODES[0], "654201", start=100, end=85, gone=4
    )  # net 11%: grade 1, gross 15% would be too
    _year, items = ew.layoff_warnings(today=TODAY)
    assert [(w.enterprise_id, w.grade) for w in items] == [(ent.pk, 1)]


def test_it_warns_of_a_county_whose_registrations_rise_above_the_trailing_average(actor, register_person):
    tacheng, wusu = County.objects.get(code="654201"), County.objects.get(code="654202")
    ids = ["654201198503150018", "654202199807080021", "654221199211220037", "65422419880808006X"]
    people = [register_person(i, tacheng, actor) for i in ids]

    def reg(person, county, day):
        UnemploymentRegistration.objects.create(person=person, residence_county=county, registered_on=day)

    # 塔城市: Feb, Mar, Apr one each (average 1.0); May 1 -> no rise. 乌苏市: one in April (average 0.33), May 1.
    # The people's active registrations must be unique: end them as we go.
    for person, day in zip(people[:3], [date(2019, 2, 5), date(2019, 3, 5), date(2019, 4, 5)], strict=True):
        reg(person, tacheng, day)
    UnemploymentRegistration.objects.update(status="ended", ended_on=date(2019, 4, 30), end_reason="reemployed")
    reg(people[0], tacheng, date(2019, 5, 6))
    reg(people[3], wusu, date(2019, 4, 8))
    UnemploymentRegistration.objects.filter(person=people[3]).update(
        status="ended", ended_on=date(2019, 4, 30), end_reason="moved"
    )
    reg(people[3], wusu, date(2019, 5, 9))
    month, items = ew.registration_warnings(today=TODAY)
    assert month == date(2019, 5, 1)
    # 乌苏市: 1 against an average of 1/3 is a rise of 200%: more than three times the 20% threshold, grade 3.
    assert [(w.county_id, w.grade) for w in items] == [(wusu.pk, 3)]
    assert "200.0%" in items[0].reason


def test_it_mails_the_daily_digest_to_officers_once_a_day(actor, make_user, make_enterprise_with_headcount):
    actor.email = "officer@example.test"
    actor.save()
    caseworker = make_user(Role.COUNTY_CASEWORKER, county_code="654201")
    caseworker.email = "caseworker@example.test"
    caseworker.save()
    ent = make_enterprise_with_headcount(actor, CODES[0], "654201", start=50, end=30)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert warnings_digest(TODAY.isoformat()) == 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert warnings_digest(TODAY.isoformat()) == 0  # already sent today
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer@example.test"]
    assert f"/workbench/registry/enterprises/{ent.pk}/" in message.body
    assert "40.0%" in message.body
