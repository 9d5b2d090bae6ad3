"""The resident demo data: every state of the journey, a 户口 in another province, the demo sign-in bound."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from portal.models import User
from registry.models import RegistrationStatus
from subsidies.models import Case, CaseKind

pytestmark = pytest.mark.django_db


def test_the_demo_has_residents_in_every_state_and_runs_twice() -> None:
    call_command("seed_demo", stdout=StringIO())
    states = set(Case.objects.filter(kind=CaseKind.UNEMPLOYMENT_REGISTRATION).values_list("state", flat=True))
    assert {"draft", "submitted", "in_review", "returned", "rejected", "final"} <= states
    assert Case.objects.filter(kind=CaseKind.DIFFICULTY_RECOGNITION, state="final").exists()
    assert Case.objects.filter(person__hukou_area_code__startswith="51").exists()
    resident = User.objects.get(username="resident")
    assert resident.resident.person.registrations.filter(status=RegistrationStatus.ACTIVE).exists()
    count = Case.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Case.objects.count() == count
