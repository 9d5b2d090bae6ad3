"""Shared fixtures: counties, users of each role, and clients signed in (staff past two-factor)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import User
from portal.roles import Role
from registry.models import County

TEST_PASSWORD = "Correct-Horse-2019"
PROJECT_APPS = ("registry", "portal", "subsidies")


def _replay_data_migrations() -> None:
    """Run the project's data migrations again, in migration order, on the current (emptied) database."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection)
    plan: list[tuple[str, str]] = []
    for leaf in (node for node in loader.graph.leaf_nodes() if node[0] in PROJECT_APPS):
        plan += [node for node in loader.graph.forwards_plan(leaf) if node not in plan]
    for node in plan:
        if node[0] not in PROJECT_APPS:
            continue
        for operation in loader.graph.nodes[node].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, None)


@pytest.fixture(autouse=True)
def _migration_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests (live server, threads) empty every table afterwards, migration data included.

    Django's serialized rollback proved unreliable across this suite's mix of tests, so a transactional test
    that finds the tables empty gets the data migrations replayed (counties, roles, parameters...).
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional and not County.objects.exists():
        _replay_data_migrations()


@pytest.fixture
def county() -> Callable[[str], County]:
    """county("654201") -> the County created by the migration."""
    return lambda code: County.objects.get(code=code)


@pytest.fixture
def make_user(db) -> Callable[..., User]:  # type: ignore[no-untyped-def]
    """make_user(Role.COUNTY_CASEWORKER, county_code="654201", totp=True) -> a user with that role."""
    counter = iter(range(1, 10_000))

    def make(role: Role, *, county_code: str | None = None, totp: bool | None = None, username: str = "") -> User:
        user = User.objects.create_user(
            username=username or f"{role.value}-{next(counter)}",
            password=TEST_PASSWORD,
            county=County.objects.get(code=county_code) if county_code else None,
        )
        user.groups.add(Group.objects.get(name=role.value))
        if totp if totp is not None else role in {Role.COUNTY_CASEWORKER, Role.PREFECTURE_OFFICER, Role.AUDITOR}:
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


def signed_in(user: User) -> Client:
    """A client signed in as user; a staff member is also past the two-factor step (as after a TOTP code)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return signed_in


@pytest.fixture
def caseworker(make_user) -> User:  # type: ignore[no-untyped-def]
    """A caseworker of 塔城市 (654201)."""
    return make_user(Role.COUNTY_CASEWORKER, county_code="654201")


@pytest.fixture
def caseworker_wusu(make_user) -> User:  # type: ignore[no-untyped-def]
    """A caseworker of 乌苏市 (654202): the outsider for 塔城市 records."""
    return make_user(Role.COUNTY_CASEWORKER, county_code="654202")


@pytest.fixture
def officer(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.PREFECTURE_OFFICER)


@pytest.fixture
def auditor(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.AUDITOR)
