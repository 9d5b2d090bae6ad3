"""The demo of 告知承诺制 on `make run`: a case with a promised residence proof in the 塔城市 queue and a pending
post-check on the demo caseworker's list, a decision revoked after a false one; seeding twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from portal.models import User
from subsidies.models import CaseState, Commitment, CommitmentBan, CommitmentCheck, CommitmentCheckState, Recovery

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_promised_certificate_and_a_pending_check(client_for) -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    promised = Commitment.objects.filter(purpose="residence", case__county__code="654201")
    assert promised.count() == 3
    assert promised.filter(case__state=CaseState.SUBMITTED).count() == 1
    check = CommitmentCheck.objects.get(state=CommitmentCheckState.PENDING)
    revoked = promised.get(case__state=CaseState.REVOKED).case
    assert Recovery.objects.filter(case=revoked).exists()
    assert CommitmentBan.objects.filter(person=revoked.person).exists()
    staff = client_for(User.objects.get(username="caseworker"))
    staff.cookies["django_language"] = "en"
    listing = staff.get("/workbench/commitments/").content.decode()
    assert check.case.reference in listing
    page = staff.get(f"/workbench/cases/{check.case.pk}/").content.decode()
    assert "Promised rather than proven" in page and "post-check" in page.lower()
