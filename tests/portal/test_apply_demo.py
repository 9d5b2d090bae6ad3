"""The demo's enterprise sign-in acts for an enterprise that qualifies for an offer; seeding twice changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from portal.models import EnterpriseMembership

pytestmark = pytest.mark.django_db


def test_the_demo_enterprise_user_sees_its_offer() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    second = io.StringIO()
    call_command("seed_demo", stdout=second)
    membership = EnterpriseMembership.objects.get(user__username="enterprise")
    assert membership.email_confirmed_at is not None
    assert "2019 offer: ¥30960.00" in second.getvalue()
    client = Client()
    client.force_login(membership.user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("apply:index")).content.decode()
    assert "You qualify for a stable-job refund of ¥30,960.00" in page
