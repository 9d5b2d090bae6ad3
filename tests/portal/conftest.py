"""Fixtures of the portal's page tests: enterprise applicants and their clients, and form data posted by pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from portal.models import EnterpriseMembership, User
from portal.roles import Role


@pytest.fixture
def english_client() -> Callable[[User], Client]:
    """english_client(user) -> a client signed in as the user (no two-factor step), the pages in English."""

    def sign_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return sign_in


@pytest.fixture
def make_applicant(make_user) -> Callable[..., User]:  # type: ignore[no-untyped-def]
    """make_applicant(ent, username="wang.fang", confirmed=True) -> an enterprise applicant, member of the
    enterprise, with the email address confirmed (or not yet)."""

    def make(ent: Any, *, username: str = "wang.fang", confirmed: bool = True) -> User:
        user = make_user(Role.ENTERPRISE_APPLICANT, username=username)
        EnterpriseMembership.objects.create(
            user=user, enterprise=ent, email_confirmed_at=timezone.now() if confirmed else None
        )
        return user

    return make


@pytest.fixture
def applicant_for(make_applicant, english_client) -> Callable[[Any, str], tuple[User, Client]]:  # type: ignore[no-untyped-def]
    """applicant_for(ent, username) -> (user, client): a confirmed member of the enterprise and their client."""

    def make(ent: Any, username: str) -> tuple[User, Client]:
        user = make_applicant(ent, username=username)
        return user, english_client(user)

    return make


@pytest.fixture
def training_form_data() -> Callable[..., dict[str, str]]:
    """training_form_data(**overrides) -> what a resident posts on the training claim's form (clause (七)), with
    the living allowance asked for and a fresh token."""

    def data(**overrides: str) -> dict[str, str]:
        posted = {
            "institution": "塔城市职业技能培训中心",
            "course": "电工",
            "training_type": "employment_skills",
            "training_start": "2020-05-01",
            "training_end": "2020-05-20",
            "hours": "120",
            "cost": "1600.00",
            "result": "passed",
            "certificate_number": "PX-2020-000123",
            "living_allowance": "on",
            "bank_name": "中国农业银行塔城分行",
            "bank_account": "6228 4800 1234 5678 901",
            "token": str(uuid.uuid4()),
        }
        posted.update(overrides)
        return posted

    return data
