"""The demo of 好差评: a rated case, an open follow-up for 塔城市, an overdue one escalated to the prefecture."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from subsidies.models import FollowUp, FollowUpState, Rating

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_rated_case_an_open_follow_up_and_an_escalated_one_and_runs_twice() -> None:
    call_command("seed_demo", stdout=StringIO())
    assert Rating.objects.filter(level__gte=3).exists()
    assert FollowUp.objects.filter(state=FollowUpState.OPEN, county__code="654201", steps__kind="contact").exists()
    assert FollowUp.objects.filter(state=FollowUpState.ESCALATED).exists()
    counts = Rating.objects.count(), FollowUp.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert (Rating.objects.count(), FollowUp.objects.count()) == counts
